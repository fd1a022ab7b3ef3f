import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { slides_v1 } from '@googleapis/slides';
import { defineHandler } from '../handler.ts';
import { callGoogle } from '../../integrations/google/google-workspace.ts';
import { asUserField, WORKSPACE_ROLES, workspaceFor } from './workspace-input.ts';

const link = (id: string) => `https://docs.google.com/presentation/d/${id}/edit`;

function shapeText(element: slides_v1.Schema$PageElement): string {
  return (element.shape?.text?.textElements ?? [])
    .map((t) => t.textRun?.content ?? '')
    .join('')
    .trim();
}

export const slidesCreate = defineHandler({
  key: 'slides.create',
  category: 'workspace',
  description:
    'Create a Google Slides presentation with a title and optional slides (each a title and body text), e.g. a short service overview for a client meeting. Returns its id and link.',
  input: z.object({
    title: z.string().min(1).max(200).describe('Presentation title'),
    slides: z
      .array(
        z.object({
          title: z.string().min(1).max(300).describe('Slide title'),
          body: z.string().max(5000).default('').describe('Slide body text; lines become lines on the slide'),
        }),
      )
      .max(50)
      .default([])
      .describe('Slides to add after the title slide'),
    as_user: asUserField,
  }),
  output: z.object({
    created: z.literal(true),
    presentation_id: z.string(),
    title: z.string(),
    link: z.string(),
    slide_count: z.number().int(),
  }),
  effect: 'write',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Make a 2-slide overview of the PT PMA process',
      params: {
        title: 'PT PMA in Bali',
        slides: [
          { title: 'Steps', body: 'Name approval\nDeed\nNIB' },
          { title: 'Next', body: 'Sign the deed' },
        ],
      },
    },
    { description: 'Buat presentasi kosong untuk klien', params: { title: 'Presentasi layanan visa' } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const created = await callGoogle('Google Slides', () =>
      google.slides.presentations.create({ requestBody: { title: input.title } }),
    );
    const presentationId = created.presentationId!;
    if (input.slides.length) {
      const requests: slides_v1.Schema$Request[] = [];
      for (const slide of input.slides) {
        const id = `z${randomBytes(6).toString('hex')}`;
        requests.push({
          createSlide: {
            objectId: id,
            slideLayoutReference: { predefinedLayout: 'TITLE_AND_BODY' },
            placeholderIdMappings: [
              { layoutPlaceholder: { type: 'TITLE', index: 0 }, objectId: `${id}_title` },
              { layoutPlaceholder: { type: 'BODY', index: 0 }, objectId: `${id}_body` },
            ],
          },
        });
        requests.push({ insertText: { objectId: `${id}_title`, text: slide.title } });
        if (slide.body) requests.push({ insertText: { objectId: `${id}_body`, text: slide.body } });
      }
      await callGoogle('Google Slides', () =>
        google.slides.presentations.batchUpdate({ presentationId, requestBody: { requests } }),
      );
    }
    return {
      created: true,
      presentation_id: presentationId,
      title: created.title ?? input.title,
      link: link(presentationId),
      slide_count: (created.slides?.length ?? 0) + input.slides.length,
    };
  },
});

export const slidesRead = defineHandler({
  key: 'slides.read',
  category: 'workspace',
  description: 'Read a Google Slides presentation: its title and the text on each slide, in order.',
  input: z.object({
    presentation_id: z.string().min(10).max(200).describe('The presentation id (the long part of its link)'),
    as_user: asUserField,
  }),
  output: z.object({
    presentation_id: z.string(),
    title: z.string(),
    link: z.string(),
    slide_count: z.number().int(),
    slides: z.array(z.object({ number: z.number().int(), texts: z.array(z.string()) })),
  }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'What is in the services deck?', params: { presentation_id: '1AbCdEfGhIjKlMnOp' } },
    { description: 'Leggi la presentazione', params: { presentation_id: '1AbCdEfGhIjKlMnOp' } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const deck = await callGoogle('Google Slides', () =>
      google.slides.presentations.get({ presentationId: input.presentation_id }),
    );
    const slides = (deck.slides ?? []).map((s, i) => ({
      number: i + 1,
      texts: (s.pageElements ?? []).map(shapeText).filter(Boolean),
    }));
    return {
      presentation_id: deck.presentationId ?? input.presentation_id,
      title: deck.title ?? '',
      link: link(input.presentation_id),
      slide_count: slides.length,
      slides,
    };
  },
});

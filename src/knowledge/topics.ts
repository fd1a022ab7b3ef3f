/** General topics (topics.yaml): which ones a message names through one of their phrases. */
import type { KnowledgeData } from './load-knowledge.ts';
import type { Topic } from './schemas.ts';
import { normalize } from './text-match.ts';

export class Topics {
  readonly #data: KnowledgeData;

  constructor(data: KnowledgeData) {
    this.#data = data;
  }

  /**
   * The topics a message names through one of their phrases (any language, whole words, accents folded), in the
   * file's order: a more specific topic (visa exemption) comes before a broader one (visa on arrival).
   */
  find(text: string): Array<{ topic: Topic; phrase: string }> {
    const padded = ` ${normalize(text)
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()} `;
    const found: Array<{ topic: Topic; phrase: string }> = [];
    for (const topic of this.#data.topics) {
      const phrases = [...topic.match.en, ...topic.match.it, ...topic.match.id].map((m) =>
        normalize(m)
          .replace(/[^a-z0-9]+/g, ' ')
          .trim(),
      );
      const hit = phrases.filter((m) => padded.includes(` ${m} `)).sort((a, b) => b.length - a.length)[0];
      if (hit) found.push({ topic, phrase: hit });
    }
    return found;
  }
}

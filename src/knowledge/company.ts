/** The company and its team: contact details (with deployment overrides) and who handles a service. */
import type { KnowledgeData } from './load-knowledge.ts';

/** Contact details a deployment sets in its environment, which win over company.yaml. */
export type ContactOverrides = { office?: string; phone?: string; hours?: string };

export class Company {
  readonly #data: KnowledgeData;
  readonly #overrides: ContactOverrides;

  constructor(data: KnowledgeData, overrides: ContactOverrides) {
    this.#data = data;
    this.#overrides = overrides;
  }

  contact() {
    const c = this.#data.company;
    const overridden = { office: this.#overrides.office, phone: this.#overrides.phone, hours: this.#overrides.hours };
    return {
      legal_name: c.legal_name,
      trading_name: c.trading_name,
      motto: c.motto,
      email: c.email,
      languages: c.languages,
      office: overridden.office ?? c.office,
      phone: overridden.phone ?? c.phone,
      whatsapp: overridden.phone ?? c.whatsapp,
      hours: overridden.hours ?? c.hours,
      timezone: c.timezone,
      timezone_label: c.timezone_label,
      configured_from_env: Object.entries(overridden)
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k),
      source: c.source,
      last_verified: c.last_verified,
    };
  }

  /** Team members who handle a service (item id or category), best fit first. */
  teamFor(service: { itemId?: string; category?: string }) {
    return this.#data.team.members
      .filter(
        (m) =>
          (service.itemId && m.services.includes(service.itemId)) ||
          (service.category && m.services.includes(service.category)),
      )
      .sort(
        (a, b) => Number(b.services.includes(service.itemId ?? '')) - Number(a.services.includes(service.itemId ?? '')),
      );
  }
}

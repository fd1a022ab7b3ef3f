import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguageWithConfidence } from './language-confidence.ts';

describe('detectLanguageWithConfidence', () => {
  it('detects the three languages with high confidence on clear sentences', () => {
    const cases: Array<[string, string]> = [
      ['How much does the remote worker KITAS cost and what documents do I need?', 'en'],
      ['Buongiorno, vorrei sapere quanto costa il visto per lavorare e quali documenti servono.', 'it'],
      ['Selamat pagi, saya ingin tahu berapa biaya KITAS dan dokumen apa saja yang diperlukan.', 'id'],
    ];
    for (const [text, language] of cases) {
      const result = detectLanguageWithConfidence(text);
      assert.equal(result.language, language, text);
      assert.ok(result.confidence >= 0.8, `${text}: ${result.confidence}`);
      assert.equal(result.mixed, false);
    }
  });

  it('is less confident on a few words than on a full sentence', () => {
    const short = detectLanguageWithConfidence('Grazie mille');
    const long = detectLanguageWithConfidence(
      'Grazie mille per la risposta, vorrei anche sapere quanto tempo ci vuole per il visto.',
    );
    assert.equal(short.language, 'it');
    assert.ok(short.confidence < long.confidence);
  });

  it('flags a message that mixes languages and lowers the confidence', () => {
    const result = detectLanguageWithConfidence(
      'Ciao, vorrei aprire una società a Bali. What documents do I need for the company and how long does it take?',
    );
    assert.equal(result.mixed, true);
    assert.ok(result.shares.it > 0 && result.shares.en > 0);
    assert.ok(result.confidence < 0.8);
  });
});

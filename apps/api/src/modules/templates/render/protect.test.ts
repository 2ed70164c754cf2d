import { describe, expect, it } from 'vitest';
import { originalLine, protectLiquid, restoreLiquid } from './protect.js';

describe('protectLiquid', () => {
  it('swaps tags and outputs for inert placeholders and back', () => {
    const input = 'Hi {{ firstName }}!\n{% if vip %}<a href="{{ url }}">VIP</a>{% endif %}';
    const p = protectLiquid(input);
    expect(p.text).toMatch(
      /^Hi HLQ[A-Z]{6}0Q!\nHLQ[A-Z]{6}1Q<a href="HLQ[A-Z]{6}2Q">VIP<\/a>HLQ[A-Z]{6}3Q$/,
    );
    expect(p.spans.map((s) => [s.source, s.isTag, s.offset])).toEqual([
      ['{{ firstName }}', false, 3],
      ['{% if vip %}', true, 20],
      ['{{ url }}', false, 41],
      ['{% endif %}', true, 59],
    ]);
    const restored = restoreLiquid(p.text, p);
    expect(restored.text).toBe(input);
    expect(restored.missing).toEqual([]);
    expect(restored.placements.map((x) => x.start)).toEqual([3, 20, 41, 59]);
  });

  it('reports spans a step dropped and restores duplicates', () => {
    const p = protectLiquid('{{ a }} {{ b }}');
    const [a, b] = p.spans;
    const restored = restoreLiquid(`${a!.placeholder}|${a!.placeholder}`, p);
    expect(restored.text).toBe('{{ a }}|{{ a }}');
    expect(restored.missing).toEqual([b]);
  });

  it('leaves raw blocks and look-alike text alone', () => {
    const input = 'HLQABCDEF0Q {% raw %}{{ not liquid }}{% endraw %}';
    const p = protectLiquid(input);
    expect(p.text).toContain('HLQABCDEF0Q ');
    expect(p.text).toContain('{{ not liquid }}');
    expect(restoreLiquid(p.text, p).text).toBe(input);
  });

  it('maps lines of the protected text back past multi-line spans', () => {
    const p = protectLiquid('a\n{%\n  if x\n%}b\nc{% endif %}\nd');
    expect(p.text.split('\n')).toHaveLength(4);
    expect([1, 2, 3, 4].map((line) => originalLine(p, line))).toEqual([1, 2, 5, 6]);
  });
});

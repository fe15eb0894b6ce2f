import { describe, expect, it } from 'vitest';
import { checkDiscordLimits, clip, escapeMarkdown, fitLines, parseSectionCustomId, renderDiscord, sectionCustomId } from './embeds.ts';

describe('fitting text to Discord', () => {
  it('keeps whole lines and counts what did not fit', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`);
    expect(fitLines(lines, 1000)).toBe(lines.join('\n'));
    const cut = fitLines(lines, 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toBe('line 0\nline 1\nline 2\nline 3\n…and 6 more');
    expect(fitLines([], 10)).toBe('—');
  });

  it('clips one over-long line without splitting an emoji', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('ab🟢', 3)).toBe('ab…');
    expect(fitLines(['x'.repeat(5000)], 1024).length).toBeLessThanOrEqual(1024);
  });

  it('shows data literally, masked values included', () => {
    expect(escapeMarkdown('******6789')).toBe('\\*\\*\\*\\*\\*\\*6789');
    expect(escapeMarkdown('[click](https://evil.example)')).toBe('\\[click\\](https://evil.example)');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
  });

  it('round-trips section button ids', () => {
    const id = sectionCustomId('u_01M898H4JQR1R5S0TK77S64GYZ', 'wallets');
    expect(parseSectionCustomId(id)).toEqual({ unifiedId: 'u_01M898H4JQR1R5S0TK77S64GYZ', section: 'wallets' });
    expect(parseSectionCustomId('u360:section:../../x:wallets')).toBeNull();
  });
});

describe('renderDiscord within limits', () => {
  it('fits an oversized notice, help and usage error', () => {
    const huge = Array.from({ length: 500 }, (_, i) => `${i} ${'y'.repeat(100)}`);
    const usage = Array.from({ length: 40 }, (_, i) => ({ syntax: `cmd${i} ${'a'.repeat(300)}`, summary: 'b'.repeat(1500) }));
    const messages = [
      renderDiscord({ kind: 'notice', ok: true, title: 'T'.repeat(400), lines: huge }),
      renderDiscord({ kind: 'help', usage }),
      renderDiscord({ kind: 'usage_error', message: 'm'.repeat(5000), usage }),
      renderDiscord({ kind: 'not_found', query: 'q', message: 'No customer found for email a***@b.c.' }),
    ];
    for (const m of messages) expect(checkDiscordLimits(m)).toEqual([]);
    expect(messages[0]!.embeds[0]!.description).toMatch(/…and \d+ more$/);
    expect(messages[1]!.embeds[0]!.fields?.at(-1)).toMatchObject({ name: 'More', value: expect.stringMatching(/^…and \d+ more$/) });
    expect(messages[3]!.embeds[0]!.description).toBe('No customer found for email a\\*\\*\\*@b.c.');
  });

  it('reports what breaks a limit', () => {
    const problems = checkDiscordLimits({ embeds: [{ title: 'x'.repeat(300), fields: [{ name: '', value: 'v' }] }], content: 'c'.repeat(2001) });
    expect(problems).toEqual(['content: 2001 > 2000', 'embed 0 title: 300 > 256', 'embed 0 field 0 is empty']);
  });
});

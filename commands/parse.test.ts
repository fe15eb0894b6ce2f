import { describe, expect, it } from 'vitest';
import { detectIdentifier, IdentifierError } from '../src/identity/normalize.ts';
import { identifierText, unwrapSlackLinks } from './parse.ts';

const TW = { defaultRegion: 'TW' };

// Slack auto-links emails and phone numbers in slash-command text; taking the links off is the command
// parser's job (the identity layer reads plain text), so these cases moved here from the normaliser tests (src/identity/normalize/*.test.ts).
describe('identifierText', () => {
  it.each([
    ['<mailto:alice@example.com|alice@example.com>', 'email', 'alice@example.com'],
    ['email:<mailto:alice@example.com|alice@example.com>', 'email', 'alice@example.com'],
    ['<tel:+886912345678|+886 912 345 678>', 'phone', '+886912345678'],
    ['<mailto:Alice@Example.com>', 'email', 'alice@example.com'],
  ] as const)('reads Slack-wrapped %j as %s %j', (input, type, value) => {
    expect(detectIdentifier(identifierText(input), TW)).toEqual({ type, value });
  });

  it('leaves other text as it is', () => {
    expect(unwrapSlackLinks('<mailto:a@b.co|a@b.co> <tel:+886912345678|0912> <tel:1')).toBe('a@b.co +886912345678 <tel:1');
    expect(identifierText('<#C123|general>')).toBe('<#C123|general>');
    expect(identifierText('ext:c-1')).toBe('ext:c-1');
  });

  it('passes text that is no identifier on untouched, so the refusal names what was typed', () => {
    const long = `<mailto:${'a'.repeat(600)}@b.co>`;
    expect(identifierText(long)).toBe(long);
    expect(() => detectIdentifier(identifierText(long), TW)).toThrow(new IdentifierError(`an identifier is at most 256 characters; this one has ${long.length}`));
    const nul = '<mailto:a@b.co|a\u0000>';
    expect(identifierText(nul)).toBe(nul);
    expect(() => detectIdentifier(identifierText(nul), TW)).toThrow(IdentifierError);
  });
});

// Child script for test/hostile-input.test.ts: feeds the caller-text parsers the inputs that made
// them quadratic and prints what they made of them.
import { tokenize, unwrapSlackLinks } from '../../commands/parse.ts';

// An unclosed `<tel:` run: with `[^|>]*` every attempt scanned to the end of the text.
const unwrapped = unwrapSlackLinks('<tel:'.repeat(200_000)).length;
// `< ` repeated: with `<[^>]*>` every `<` scanned to the end looking for its `>`.
const words = tokenize('< '.repeat(500_000)).length;
process.stdout.write(JSON.stringify({ unwrapped, words }));

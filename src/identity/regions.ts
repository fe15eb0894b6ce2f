// The same metadata as normalize.ts: the package's default entry would load a second copy (90 kB of
// JSON parsed on every terminal run).
import { isSupportedCountry } from 'libphonenumber-js/max';

export function isValidPhoneRegion(region: string): boolean {
  return isSupportedCountry(region);
}

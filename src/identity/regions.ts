import { isSupportedCountry } from 'libphonenumber-js';

export function isValidPhoneRegion(region: string): boolean {
  return isSupportedCountry(region);
}

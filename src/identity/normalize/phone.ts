import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { IdentifierError, quote } from './identifier.ts';

/** Phone numbers to E.164 with libphonenumber, for every country; a national number is read in the default region. */

function toCountry(region: string): CountryCode {
  const country = region.trim().toUpperCase();
  // A bad region is a configuration mistake, not bad customer data, so it must not
  // be caught and skipped like an IdentifierError.
  if (!isSupportedCountry(country)) throw new Error(`unsupported default phone region ${quote(region)}`);
  return country;
}

export function normalizePhone(raw: string, defaultRegion: string): string {
  const text = raw.trim();
  const region = toCountry(defaultRegion);
  // extract: false makes the whole input be the number; the default would pull a
  // number out of "call me at 0912…" and accept it.
  let phone = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
  // 00 is the international prefix much of the world writes for + (00886…, 0044…); libphonenumber reads
  // it only where it is the default region's own exit code (Taiwan's is 002), so try it as + as well.
  const intl = /^00[\s.-]*(?=[1-9])/.exec(text);
  if (!phone?.isValid() && intl) phone = parsePhoneNumberFromString(`+${text.slice(intl[0].length)}`, { extract: false });
  if (!phone?.isValid()) {
    const hint = text.startsWith('+') ? '' : ` (numbers without +country code are read as ${region})`;
    throw new IdentifierError(`not a valid phone number: ${quote(text)}${hint}`);
  }
  // Extensions share the switchboard's E.164 number; keeping them would merge
  // everyone behind one office line into one customer.
  if (phone.ext) throw new IdentifierError(`phone numbers with an extension are not accepted: ${quote(text)}`);
  return phone.number;
}

export function formatPhoneInternational(e164: string): string {
  const phone = parsePhoneNumberFromString(e164.trim(), { extract: false });
  if (!phone?.isValid()) throw new IdentifierError(`not a valid phone number: ${quote(e164.trim())}`);
  return phone.formatInternational();
}

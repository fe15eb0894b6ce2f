// A viewer's view is derived from ONE list of personal fields (PERSONAL in src/access/mask.ts) and
// holds in every output: the result model (what --json prints), text, Block Kit and embeds (issue 11
// item 8: birth_date leaked in --json, chat handles were never masked, a malformed identifier was
// echoed raw).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lookup } from '../commands/lookup.ts';
import type { CommandContext } from '../commands/types.ts';
import type { Role } from '../db/schema/constants.ts';
import { renderText } from '../src/cli/render.ts';
import { renderDiscord } from '../src/discord/embeds.ts';
import { renderSlack } from '../src/slack/blocks.ts';
import { createTestStore, settableClock, testConfig, testDbUrl } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';

const store = await createTestStore();
const config = testConfig();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: config.identity, clock };
const tag = uniq('m').toLowerCase();
const P = {
  email: `${tag}.secret@example.com`,
  phone: '+886912345679',
  kakao: `kakao_${tag}`,
  line: `line_${tag}`,
  discord: `disc_${tag}`,
  telegram: `tg_${tag}`,
  x: `x_${tag}`,
  name: `Secret Person ${tag}`,
  birth: '1990-04-02',
  doc: 'Z987654321',
};
await ingest(deps, [
  {
    type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00',
    identifiers: { external_id: `ext-${tag}`, email: P.email, phone: P.phone, kakao_id: P.kakao, line_id: P.line, discord: P.discord, telegram: P.telegram, x: P.x },
    traits: { name: P.name, birth_date: P.birth },
  },
  { type: 'kyc', id: uniq(), timestamp: '2026-11-21T10:00:00+08:00', identifiers: { external_id: `ext-${tag}` }, status: 'verified', risk_score: 10, document_id: P.doc },
]);

const ctx = (role: Role): CommandContext => ({ ...deps, caller: { platform: 'cli', userId: 'op', role } });
const SECRETS = [P.email, P.phone, '912345679', '912 345 679', P.kakao, P.line, P.discord, P.telegram, P.x, P.name, P.birth, P.doc];
const escapedForms = (s: string) => [s, s.replace(/_/g, '\\_'), s.replace(/_/g, '\u200B_\u200B')];

/** Every output of one result: the model as --json prints it, and the three renderers. */
const outputs = (r: Awaited<ReturnType<typeof lookup>>) => ({
  json: JSON.stringify(r, null, 2),
  text: renderText(r),
  slack: JSON.stringify(renderSlack(r)),
  discord: JSON.stringify(renderDiscord(r)),
});

describe('what a viewer sees', () => {
  it.each(['card', 'general', 'compliance'] as const)('the %s view hides every personal field in every output', async (section) => {
    const r = await lookup({ identifier: `ext:ext-${tag}`, section }, ctx('viewer'));
    expect(r.kind).toBe('profile');
    for (const [where, out] of Object.entries(outputs(r))) {
      for (const secret of SECRETS) for (const form of escapedForms(secret)) expect(out, `${where} shows ${form}`).not.toContain(form);
    }
    if (r.kind !== 'profile') return;
    expect(r.profile.basic.birth_date).toBe('****-**-**');
    expect(r.profile.basic.age_group, 'the age group is what a viewer needs').toBe('30-39');
    expect(r.profile.identifiers.find((i) => i.type === 'kakao_id')?.value).toBe('k***');
    expect(r.profile.identifiers.find((i) => i.type === 'external_id')?.value, 'not personal').toBe(`ext-${tag}`);
  });

  it.each([
    ['kakao', `kakao:${P.kakao}`, `kakao:${P.kakao}zz`],
    ['LINE', `line:${P.line}`, `line:${P.line}zz`],
    ['email', P.email, `zz${P.email}`],
    ['phone', P.phone, '+886912345670'],
  ])('masks the %s the viewer typed, found or not', async (_, typed, other) => {
    const found = await lookup({ identifier: typed }, ctx('viewer'));
    const missing = await lookup({ identifier: other }, ctx('viewer'));
    expect(found.kind).toBe('profile');
    expect(missing.kind).toBe('not_found');
    for (const out of [...Object.values(outputs(found)), ...Object.values(outputs(missing))]) {
      for (const secret of [...SECRETS, other, '912345670']) expect(out).not.toContain(secret);
    }
  });

  it('does not echo a malformed identifier back to a viewer, but does to compliance', async () => {
    const typed = `${tag}.private@@example.com`;
    const viewer = await lookup({ identifier: typed }, ctx('viewer'));
    expect(viewer.kind).toBe('usage_error');
    for (const out of Object.values(outputs(viewer))) expect(out).not.toContain(tag);
    const compliance = await lookup({ identifier: typed }, ctx('compliance'));
    expect(JSON.stringify(compliance)).toContain(typed);
  });

  it('lets compliance see what a viewer cannot', async () => {
    const r = await lookup({ identifier: `ext:ext-${tag}`, section: 'general' }, ctx('compliance'));
    const json = JSON.stringify(r);
    for (const secret of [P.email, P.kakao, P.name, P.birth]) expect(json).toContain(secret);
  });

  it('holds for `npx user360 lookup … --json --as viewer`', async () => {
    const env = { ...process.env, DATABASE_URL: testDbUrl(store), LOG_LEVEL: 'silent' };
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/user360.js', 'lookup', `ext:ext-${tag}`, '--json', '--as', 'viewer'], { env });
    const r = JSON.parse(stdout) as { kind: string; profile: { basic: { birth_date: string } } };
    expect(r.kind).toBe('profile');
    expect(r.profile.basic.birth_date).toBe('****-**-**');
    for (const secret of SECRETS) expect(stdout).not.toContain(secret);
  }, 60_000);
});

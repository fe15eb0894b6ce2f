import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FILTER_USAGE } from '../commands/find-query.ts';
import { PARAMETERS, REQUEST_SCHEMAS } from '../src/http/openapi.ts';
import { body, createTestApp } from './support/app.ts';

const t = await createTestApp();
const doc = await body(await t.app.request('/openapi.json'));

/** Routes that are not the API: the reference itself, and the root's pointer to it. */
const NOT_API = new Set(['/', '/openapi.json', '/docs', '/docs/', '/docs/assets/swagger-ui-dist/:file']);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The document's request schemas, resolved back to the zod schema each one was generated from. */
function zodOf(schema: any): z.ZodType {
  if (schema.$ref) {
    const name = String(schema.$ref).replace('#/components/schemas/', '') as keyof typeof REQUEST_SCHEMAS;
    const found = REQUEST_SCHEMAS[name];
    if (!found) throw new Error(`no zod schema behind ${schema.$ref}`);
    return found;
  }
  if (schema.type === 'array') return z.array(zodOf(schema.items));
  throw new Error(`a request schema that is neither a reference nor an array of one: ${JSON.stringify(schema)}`);
}

const resolve = (o: any) => (o?.$ref ? doc.components[o.$ref.split('/')[2]][o.$ref.split('/')[3]] : o);
/** A parameter's example, wherever the generator put it (on the parameter or on its schema). */
const exampleOf = (name: string) => {
  const p = doc.components.parameters[name];
  return p.example ?? resolve(p.schema)?.example;
};

function operations() {
  return Object.entries<any>(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] })));
}

function requestExamples() {
  const out: { where: string; schema: z.ZodType; value: unknown; path: string; method: string; type: string }[] = [];
  for (const { path, method, op } of operations()) {
    for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) {
      const where = `${method.toUpperCase()} ${path} ${type}`;
      const values = [...(media.example !== undefined ? [media.example] : []), ...Object.values<any>(media.examples ?? {}).map((e) => e.value)];
      expect(values.length, `${where} has no example`).toBeGreaterThan(0);
      for (const value of values) {
        // NDJSON is text: each line is one record of the batch.
        if (type === 'application/x-ndjson') {
          for (const line of String(value).split('\n').filter((l) => l.trim())) out.push({ where, schema: REQUEST_SCHEMAS.Record, value: JSON.parse(line), path, method, type });
        } else out.push({ where, schema: zodOf(media.schema), value, path, method, type });
      }
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is generated with every route the app mounts, each with its method, and nothing that is not mounted', () => {
    const mounted = new Set(
      t.app.routes
        .filter((r) => r.method !== 'ALL' && !NOT_API.has(r.path))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([^/]+)/g, '{$1}')}`),
    );
    const documented = new Set(operations().map((o) => `${o.method} ${o.path}`));
    expect([...mounted].filter((r) => r.includes('/v1/')).length, [...mounted].join('\n')).toBeGreaterThanOrEqual(9);
    expect([...mounted].filter((r) => !documented.has(r)), 'mounted but not in the document').toEqual([]);
    expect([...documented].filter((r) => !mounted.has(r)), 'in the document but not mounted').toEqual([]);
    for (const { path, method, op } of operations()) {
      if (path.startsWith('/v1/')) expect(op.security, `${method} ${path}`).toEqual([{ bearer: [] }]);
    }
  });

  it('resolves every reference it makes', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const r of new Set(refs)) {
      const [, kind, name] = /#\/components\/(\w+)\/([^"]+)/.exec(r)!;
      expect(doc.components[kind!]?.[name!], r).toBeDefined();
    }
  });

  it('documents request examples that validate against the schema they illustrate', () => {
    const examples = requestExamples();
    expect(new Set(examples.map((e) => e.where)).size).toBe(7);
    for (const e of examples) {
      const parsed = e.schema.safeParse(e.value);
      expect(parsed.success, `${e.where}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    const params = Object.keys(doc.components.parameters);
    expect(params.sort()).toEqual(Object.keys(PARAMETERS).sort());
    const withExamples = params.filter((name) => exampleOf(name) !== undefined);
    expect(withExamples.sort()).toEqual(['FindQuery', 'Identifier', 'Range']);
    for (const name of withExamples) {
      expect(PARAMETERS[name as keyof typeof PARAMETERS].safeParse(exampleOf(name)).success, `${name}: ${exampleOf(name)}`).toBe(true);
    }
  });

  // Planted: the hand-written description of before, which had no networth:, campaign: or txns:: fails.
  it('names every filter the find parser reads in the description of q', () => {
    const p = doc.components.parameters.FindQuery;
    const description = String(p.description ?? resolve(p.schema)?.description);
    for (const name of Object.keys(FILTER_USAGE)) {
      const written = name === 'attr' ? 'attr.<key>:' : `${name}:`;
      expect(description, `${written} in: ${description}`).toMatch(new RegExp(`(?<![a-z0-9_])${written.replace(/[.<>]/g, '\\$&')}`));
    }
  });

  it('documents request examples the running API accepts', async () => {
    const seen = new Set<string>();
    for (const e of requestExamples()) {
      if (seen.has(e.where)) continue;
      seen.add(e.where);
      const raw = [...requestExamples().filter((x) => x.where === e.where)];
      const payload = e.type === 'application/x-ndjson' ? raw.map((x) => JSON.stringify(x.value)).join('\n') : raw[0]!.value;
      const res = await t.post(e.path, payload, { 'content-type': e.type });
      expect(res.status, `${e.where}: ${JSON.stringify(await body(res.clone()))}`).toBe(200);
    }
    // The read routes with their parameters' examples: the identify example made the customer they name.
    const [q, id, range] = ['FindQuery', 'Identifier', 'Range'].map(exampleOf);
    for (const path of [`/v1/profiles?q=${encodeURIComponent(q)}`, `/v1/profiles/${encodeURIComponent(id)}`, `/v1/metrics?range=${encodeURIComponent(range)}`]) {
      const res = await t.get(path);
      expect(res.status, `${path}: ${JSON.stringify(await body(res.clone()))}`).toBe(200);
    }
  });
});

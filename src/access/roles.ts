import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Queryable, Store } from '../../db/client.ts';
import { ROLES, type ChatPlatform, type Role } from '../../db/schema/constants.ts';
import { roleGrants } from '../../db/schema/index.ts';
import { names } from '../../db/sql-names.ts';

/** Higher wins when a person holds several roles (their own grant, Discord guild roles, config). */
export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, compliance: 1, admin: 2 };

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export interface RoleQuery {
  platform: ChatPlatform;
  userId: string;
  /** Discord guild role ids of the member; grants to `role:<id>` apply to everyone holding that role. */
  roleIds?: readonly string[];
}

/**
 * The caller's role: configured admins are admin whatever the database says (so a bad grant can't lock
 * the operators out); otherwise the highest grant for the user or one of their roles; otherwise viewer.
 */
export async function resolveRole(db: Queryable | Pick<Store, 'read'>, q: RoleQuery, admins: readonly string[]): Promise<Role> {
  if (admins.includes(q.userId)) return 'admin';
  const subjects = [q.userId, ...(q.roleIds ?? []).map((id) => `role:${id}`)];
  // Every chat request asks this first; through the store it is one statement prepared once.
  const rows =
    'read' in db
      ? ((await db.read(ROLES_OF, [q.platform, JSON.stringify(subjects)])) as { role: Role }[])
      : await db.select({ role: roleGrants.role }).from(roleGrants).where(and(eq(roleGrants.platform, q.platform), inArray(roleGrants.subject, subjects)));
  return rows.reduce<Role>((best, r) => (ROLE_RANK[r.role] > ROLE_RANK[best] ? r.role : best), 'viewer');
}

const G = names(roleGrants);
const ROLES_OF = `SELECT ${G.role} FROM ${G.$} WHERE ${G.platform} = ? AND ${G.subject} IN (SELECT value FROM json_each(?))`;

export interface Grant {
  platform: ChatPlatform;
  /** a user id, or on Discord `role:<id>` */
  subject: string;
  role: Role;
  grantedBy: string;
  now: number;
}

/** Sets the subject's role, replacing an earlier grant (one role per subject). Callers in the service pass a `store.write` transaction. */
export async function grantRole(db: Queryable, g: Grant): Promise<void> {
  await db
    .insert(roleGrants)
    .values({ platform: g.platform, subject: g.subject, role: g.role, grantedBy: g.grantedBy, createdAt: g.now })
    .onConflictDoUpdate({
      target: [roleGrants.platform, roleGrants.subject],
      set: { role: g.role, grantedBy: g.grantedBy, createdAt: g.now },
    });
}

/** Removes the subject's grant; they fall back to viewer. False when there was none. */
export async function revokeRole(db: Queryable, r: { platform: ChatPlatform; subject: string }): Promise<boolean> {
  const gone = await db
    .delete(roleGrants)
    .where(and(eq(roleGrants.platform, r.platform), eq(roleGrants.subject, r.subject)))
    .returning();
  return gone.length > 0;
}

export async function listRoleGrants(db: Queryable, platform: ChatPlatform) {
  return db
    .select({ subject: roleGrants.subject, role: roleGrants.role, grantedBy: roleGrants.grantedBy, createdAt: roleGrants.createdAt })
    .from(roleGrants)
    .where(eq(roleGrants.platform, platform))
    .orderBy(asc(roleGrants.role), asc(roleGrants.subject));
}

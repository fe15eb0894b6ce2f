-- Custom (drizzle-kit generate --custom): drizzle-kit 0.31 splits an expression index's SQL into quoted
-- pieces, so these are written by hand and not declared in db/schema/identity-conflicts.ts.
-- A profile card states the open conflicts naming its customer (src/profile/lists.ts). customer_ids is
-- a JSON array of one id (a refused link) or two (a refused merge): one index per position finds them
-- without reading every conflict.
CREATE INDEX `identity_conflicts_first_customer_idx` ON `identity_conflicts` (json_extract(`customer_ids`, '$[0]'));--> statement-breakpoint
CREATE INDEX `identity_conflicts_second_customer_idx` ON `identity_conflicts` (json_extract(`customer_ids`, '$[1]'));

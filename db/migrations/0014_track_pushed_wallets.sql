ALTER TABLE `wallets` ADD `pushed_first_at` integer;--> statement-breakpoint
-- Wallet rows stored before this cannot tell a pushed sighting from an indexed one: they count as pushed,
-- so a reorg never takes a row a source may have named.
UPDATE `wallets` SET `pushed_first_at` = `first_seen_at`;

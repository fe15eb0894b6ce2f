CREATE TABLE `onchain_readings` (
	`chain` text NOT NULL,
	`address` text NOT NULL,
	`kind` text NOT NULL,
	`holdings` text NOT NULL,
	`value_micros` integer,
	`block` integer NOT NULL,
	`block_at` integer NOT NULL,
	`read_at` integer NOT NULL,
	PRIMARY KEY(`chain`, `address`)
);
--> statement-breakpoint
CREATE TABLE `chain_cursors` (
	`chain` text PRIMARY KEY NOT NULL,
	`first_block` integer NOT NULL,
	`block` integer NOT NULL,
	`hash` text NOT NULL,
	`wallets_up_to` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chain_blocks` (
	`chain` text NOT NULL,
	`number` integer NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`chain`, `number`)
);
--> statement-breakpoint
CREATE TABLE `chain_leases` (
	`chain` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chain_transfers` (
	`record_id` text PRIMARY KEY NOT NULL,
	`chain` text NOT NULL,
	`block` integer NOT NULL,
	`block_hash` text NOT NULL,
	`tx_hash` text NOT NULL,
	`log_index` integer NOT NULL,
	`token` text NOT NULL,
	`wallet` text NOT NULL,
	`counterparty` text NOT NULL,
	`direction` text NOT NULL,
	`amount` text NOT NULL,
	`customer_id` text NOT NULL,
	`at` integer NOT NULL,
	`match_key` text NOT NULL,
	`stored` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `chain_transfers_block_idx` ON `chain_transfers` (`chain`,`block`);--> statement-breakpoint
CREATE INDEX `chain_transfers_wallet_idx` ON `chain_transfers` (`wallet`,`at`);--> statement-breakpoint
CREATE TABLE `tx_match_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`pushed` integer NOT NULL,
	`indexed` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `screened_addresses` (
	`address` text PRIMARY KEY NOT NULL,
	`label` text,
	`added_by` text NOT NULL,
	`added_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_unified_kind_idx` ON `alerts` (`unified_id`,`kind`);
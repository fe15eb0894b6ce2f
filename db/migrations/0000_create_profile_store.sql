CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`root_id` text NOT NULL,
	`parent_id` text,
	`created_at` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customers_root_idx` ON `customers` (`root_id`);--> statement-breakpoint
CREATE INDEX `customers_parent_idx` ON `customers` (`parent_id`);--> statement-breakpoint
CREATE INDEX `customers_created_idx` ON `customers` (`created_at`);--> statement-breakpoint
CREATE TABLE `identifiers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`type` text NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identifiers_type_value_uq` ON `identifiers` (`type`,`value`);--> statement-breakpoint
CREATE INDEX `identifiers_customer_type_idx` ON `identifiers` (`customer_id`,`type`);--> statement-breakpoint
CREATE TABLE `wallets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`chain` text NOT NULL,
	`address` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wallets_chain_address_uq` ON `wallets` (`chain`,`address`);--> statement-breakpoint
CREATE INDEX `wallets_customer_idx` ON `wallets` (`customer_id`);--> statement-breakpoint
CREATE TABLE `merges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`winner_id` text NOT NULL,
	`loser_id` text NOT NULL,
	`record_type` text,
	`record_id` text,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	`split_at` integer,
	`split_by` text,
	FOREIGN KEY (`winner_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`loser_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `merges_winner_idx` ON `merges` (`winner_id`);--> statement-breakpoint
CREATE INDEX `merges_loser_idx` ON `merges` (`loser_id`);--> statement-breakpoint
CREATE TABLE `identity_conflicts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`customer_ids` text NOT NULL,
	`identifier_type` text,
	`identifier_value` text,
	`detail` text NOT NULL,
	`record_type` text,
	`record_id` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `identity_conflicts_open_idx` ON `identity_conflicts` (`resolved_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `traits` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`name` text,
	`gender` text,
	`birth_date` text,
	`membership_level` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `labels` (
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`customer_id`, `kind`, `value`),
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kyc_states` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`risk_score` integer,
	`risk_level` text,
	`applied_at` integer,
	`approved_at` integer,
	`document_id` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kyc_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`record_id` text,
	`at` integer NOT NULL,
	`day` text NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`from_score` integer,
	`to_score` integer,
	`from_level` text,
	`to_level` text,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `kyc_changes_customer_idx` ON `kyc_changes` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `kyc_changes_day_idx` ON `kyc_changes` (`day`);--> statement-breakpoint
CREATE TABLE `compliance_forms` (
	`customer_id` text NOT NULL,
	`form_number` text NOT NULL,
	`submitted_at` integer NOT NULL,
	PRIMARY KEY(`customer_id`, `form_number`),
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kyc_tasks` (
	`customer_id` text NOT NULL,
	`task_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`customer_id`, `task_id`),
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`record_id` text,
	`at` integer NOT NULL,
	`day` text NOT NULL,
	`chain` text NOT NULL,
	`token` text NOT NULL,
	`amount` text NOT NULL,
	`usdt_micros` integer NOT NULL,
	`direction` text NOT NULL,
	`tx_hash` text,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `transactions_customer_at_idx` ON `transactions` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `transactions_day_idx` ON `transactions` (`day`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`record_id` text,
	`at` integer NOT NULL,
	`day` text NOT NULL,
	`name` text NOT NULL,
	`session_id` text,
	`device_id` text,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_customer_at_idx` ON `events` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `events_day_idx` ON `events` (`day`);--> statement-breakpoint
CREATE TABLE `devices` (
	`customer_id` text NOT NULL,
	`device_id` text NOT NULL,
	`model` text,
	`os` text,
	`browser` text,
	`library_version` text,
	`country` text,
	`city` text,
	`language` text,
	`timezone` text,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`customer_id`, `device_id`),
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `devices_customer_seen_idx` ON `devices` (`customer_id`,`last_seen_at`);--> statement-breakpoint
CREATE TABLE `purchases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`record_id` text,
	`order_id` text NOT NULL,
	`at` integer NOT NULL,
	`day` text NOT NULL,
	`amount` real NOT NULL,
	`currency` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `purchases_customer_at_idx` ON `purchases` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `purchases_day_idx` ON `purchases` (`day`);--> statement-breakpoint
CREATE TABLE `purchase_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`purchase_id` integer NOT NULL,
	`name` text NOT NULL,
	`category` text,
	`quantity` integer NOT NULL,
	`price` real NOT NULL,
	FOREIGN KEY (`purchase_id`) REFERENCES `purchases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `purchase_items_purchase_idx` ON `purchase_items` (`purchase_id`);--> statement-breakpoint
CREATE TABLE `ingested_records` (
	`type` text NOT NULL,
	`id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`type`, `id`)
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_name_uq` ON `api_keys` (`name`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`platform` text NOT NULL,
	`caller_id` text NOT NULL,
	`channel_id` text,
	`command` text NOT NULL,
	`identifier_type` text,
	`identifier` text,
	`unified_id` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `role_grants` (
	`platform` text NOT NULL,
	`subject` text NOT NULL,
	`role` text NOT NULL,
	`granted_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `subject`)
);

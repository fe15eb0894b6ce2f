CREATE TABLE `search_terms` (
	`term` text NOT NULL,
	`field` text NOT NULL,
	`customer_id` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_terms_uq` ON `search_terms` (`term`,`field`,`customer_id`);--> statement-breakpoint
CREATE INDEX `search_terms_customer_idx` ON `search_terms` (`customer_id`);--> statement-breakpoint
CREATE TABLE `audience` (
	`root_id` text PRIMARY KEY NOT NULL,
	`kyc_status` text NOT NULL,
	`risk_rank` integer,
	`country` text,
	`first_seen_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audience_kyc_risk_idx` ON `audience` (`kyc_status`,`risk_rank`);--> statement-breakpoint
CREATE INDEX `audience_risk_idx` ON `audience` (`risk_rank`);--> statement-breakpoint
CREATE INDEX `audience_country_idx` ON `audience` (`country`);--> statement-breakpoint
CREATE INDEX `audience_first_seen_idx` ON `audience` (`first_seen_at`);--> statement-breakpoint
CREATE INDEX `audience_last_activity_idx` ON `audience` (`last_activity_at`);--> statement-breakpoint
CREATE TABLE `app_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `attributes` (
	`customer_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`match` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`customer_id`, `key`),
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `attributes_key_match_idx` ON `attributes` (`key`,`match`,`customer_id`);--> statement-breakpoint
CREATE TABLE `segment_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`segment_id` integer NOT NULL,
	`run` integer NOT NULL,
	`root_id` text NOT NULL,
	`change` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`segment_id`) REFERENCES `segments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `segment_changes_segment_run_idx` ON `segment_changes` (`segment_id`,`run`);--> statement-breakpoint
CREATE TABLE `segment_members` (
	`segment_id` integer NOT NULL,
	`root_id` text NOT NULL,
	`since` integer NOT NULL,
	PRIMARY KEY(`segment_id`, `root_id`),
	FOREIGN KEY (`segment_id`) REFERENCES `segments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `segment_subscriptions` (
	`segment_id` integer NOT NULL,
	`platform` text NOT NULL,
	`target` text NOT NULL,
	`subscribed_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`segment_id`, `platform`, `target`),
	FOREIGN KEY (`segment_id`) REFERENCES `segments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `segments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`query` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`computed_at` integer,
	`size` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segments_name_uq` ON `segments` (`name`);--> statement-breakpoint
DROP INDEX `transactions_customer_at_idx`;--> statement-breakpoint
CREATE INDEX `transactions_customer_at_cover_idx` ON `transactions` (`customer_id`,`at`,`usdt_micros`);--> statement-breakpoint
CREATE INDEX `wallets_chain_customer_idx` ON `wallets` (`chain`,`customer_id`);--> statement-breakpoint
CREATE INDEX `labels_kind_value_idx` ON `labels` (`kind`,`value`,`customer_id`);
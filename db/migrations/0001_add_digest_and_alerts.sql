CREATE TABLE `daily_rollups` (
	`day` text PRIMARY KEY NOT NULL,
	`new_customers` integer NOT NULL,
	`kyc_submitted` integer NOT NULL,
	`kyc_verified` integer NOT NULL,
	`kyc_rejected` integer NOT NULL,
	`new_high` integer NOT NULL,
	`new_very_high` integer NOT NULL,
	`pending_queue` integer NOT NULL,
	`risk_levels` text NOT NULL,
	`tx_count` integer NOT NULL,
	`tx_micros` integer NOT NULL,
	`purchase_count` integer NOT NULL,
	`computed_at` integer NOT NULL,
	`in_totals` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `daily_tx_rollups` (
	`day` text NOT NULL,
	`token` text NOT NULL,
	`chain` text NOT NULL,
	`count` integer NOT NULL,
	`micros` integer NOT NULL,
	PRIMARY KEY(`day`, `token`, `chain`)
);
--> statement-breakpoint
CREATE TABLE `daily_customer_volume` (
	`day` text NOT NULL,
	`customer_id` text NOT NULL,
	`count` integer NOT NULL,
	`micros` integer NOT NULL,
	PRIMARY KEY(`day`, `customer_id`)
);
--> statement-breakpoint
CREATE INDEX `daily_customer_volume_customer_idx` ON `daily_customer_volume` (`customer_id`);--> statement-breakpoint
CREATE TABLE `rollup_dirty_days` (
	`day` text PRIMARY KEY NOT NULL,
	`marked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `digest_subscriptions` (
	`platform` text NOT NULL,
	`channel_id` text NOT NULL,
	`subscribed_by` text NOT NULL,
	`first_day` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `channel_id`)
);
--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`subject` text NOT NULL,
	`platform` text NOT NULL,
	`target` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`message_ref` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_once_uq` ON `deliveries` (`kind`,`subject`,`platform`,`target`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unified_id` text NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`from_level` text,
	`to_level` text,
	`risk_score` integer,
	`reason` text,
	`record_id` text,
	`at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`fanned_out_at` integer,
	`acknowledged_by` text,
	`acknowledged_at` integer
);
--> statement-breakpoint
CREATE INDEX `alerts_pending_idx` ON `alerts` (`fanned_out_at`,`id`);--> statement-breakpoint
CREATE TABLE `alert_subscriptions` (
	`platform` text NOT NULL,
	`target` text NOT NULL,
	`filter` text NOT NULL,
	`min_level` text,
	`subscribed_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `target`, `filter`)
);
--> statement-breakpoint
CREATE TABLE `kyc_counts` (
	`status` text NOT NULL,
	`level` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`status`, `level`)
);
--> statement-breakpoint
CREATE TABLE `root_volume` (
	`scope` text NOT NULL,
	`root_id` text NOT NULL,
	`count` integer NOT NULL,
	`micros` integer NOT NULL,
	PRIMARY KEY(`scope`, `root_id`)
);
--> statement-breakpoint
CREATE INDEX `root_volume_scope_micros_idx` ON `root_volume` (`scope`,`micros`);--> statement-breakpoint
CREATE TABLE `volume_scopes` (
	`scope` text PRIMARY KEY NOT NULL,
	`first_day` text NOT NULL,
	`last_day` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `kyc_counts` (`status`, `level`, `n`)
SELECT status, coalesce(level, ''), count(*) FROM (
  SELECT k.status AS status, k.risk_level AS level,
         row_number() OVER (PARTITION BY c.root_id ORDER BY k.updated_at DESC, k.customer_id DESC) AS rn
  FROM `kyc_states` k JOIN `customers` c ON c.id = k.customer_id
) WHERE rn = 1 GROUP BY 1, 2;

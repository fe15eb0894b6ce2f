CREATE TABLE `campaign_touches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`customer_id` text NOT NULL,
	`record_id` text,
	`at` integer NOT NULL,
	`source` text,
	`medium` text,
	`name` text,
	`term` text,
	`content` text,
	`referrer` text,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `campaign_touches_customer_at_idx` ON `campaign_touches` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `campaign_touches_source_idx` ON `campaign_touches` (`source`,`customer_id`);--> statement-breakpoint
ALTER TABLE `audience` ADD `acquisition_source` text;--> statement-breakpoint
ALTER TABLE `segments` ADD `filter` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `segments` ADD `run` integer DEFAULT 0 NOT NULL;
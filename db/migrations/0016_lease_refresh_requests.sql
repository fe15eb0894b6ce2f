ALTER TABLE `onchain_refresh_requests` ADD `claimed_by` text;--> statement-breakpoint
ALTER TABLE `onchain_refresh_requests` ADD `claimed_until` integer;
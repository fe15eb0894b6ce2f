ALTER TABLE `customers` ADD `pushed_first_at` integer;--> statement-breakpoint
ALTER TABLE `customers` ADD `pushed_last_at` integer;--> statement-breakpoint
-- Customers stored before this: their bounds so far stand for pushed activity (nothing to tell apart).
UPDATE `customers` SET `pushed_first_at` = `first_seen_at`, `pushed_last_at` = `last_activity_at`;

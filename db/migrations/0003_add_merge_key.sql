ALTER TABLE `merges` ADD `key_type` text;--> statement-breakpoint
ALTER TABLE `merges` ADD `key_value` text;
ALTER TABLE `identity_conflicts` ADD `resolution` text;--> statement-breakpoint
ALTER TABLE `identity_conflicts` ADD `resolved_by` text;--> statement-breakpoint
ALTER TABLE `identity_conflicts` ADD `resolution_note` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `claimed_by` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `claimed_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `resolved_by` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `resolved_at` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `resolution_note` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `snoozed_by` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `snoozed_until` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `reminded_for` integer;--> statement-breakpoint
CREATE INDEX `alerts_snoozed_idx` ON `alerts` (`snoozed_until`);
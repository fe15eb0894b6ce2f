ALTER TABLE `audit_log` ADD `ref` text;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_ref_uq` ON `audit_log` (`ref`);
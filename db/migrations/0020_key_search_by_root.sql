DROP INDEX `labels_kind_value_idx`;--> statement-breakpoint
ALTER TABLE `labels` ADD `root_id` text;--> statement-breakpoint
-- Hand-written from here to the end of the labels part: the root is the database's to keep, not the writers'.
UPDATE `labels` SET `root_id` = (SELECT `root_id` FROM `customers` WHERE `id` = `labels`.`customer_id`);--> statement-breakpoint
CREATE TRIGGER `labels_root_on_insert` AFTER INSERT ON `labels` BEGIN
	UPDATE `labels` SET `root_id` = (SELECT `root_id` FROM `customers` WHERE `id` = NEW.`customer_id`) WHERE `rowid` = NEW.`rowid`;
END;--> statement-breakpoint
CREATE INDEX `labels_kind_value_idx` ON `labels` (`kind`,`value`,`root_id`);--> statement-breakpoint
-- The profile reads no label's root: filling or moving it must not bump the profile's version (0019).
DROP TRIGGER `profile_labels_update`;--> statement-breakpoint
CREATE TRIGGER `profile_labels_update` AFTER UPDATE OF `customer_id`, `kind`, `value` ON `labels` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;--> statement-breakpoint
DROP INDEX `root_volume_scope_micros_idx`;--> statement-breakpoint
CREATE INDEX `root_volume_scope_micros_idx` ON `root_volume` (`scope`,`micros`,`root_id`);--> statement-breakpoint
-- Hand-written: SQLite cannot add a NOT NULL column to a table with rows, so search_terms is rebuilt
-- with each term's root filled in, and its indexes are built once, after the rows.
DROP INDEX `search_terms_uq`;--> statement-breakpoint
DROP INDEX `search_terms_customer_idx`;--> statement-breakpoint
ALTER TABLE `search_terms` RENAME TO `search_terms_by_customer`;--> statement-breakpoint
CREATE TABLE `search_terms` (
	`term` text NOT NULL,
	`field` text NOT NULL,
	`customer_id` text NOT NULL,
	`root_id` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);--> statement-breakpoint
INSERT INTO `search_terms` (`term`, `field`, `customer_id`, `root_id`)
	SELECT s.`term`, s.`field`, s.`customer_id`, c.`root_id` FROM `search_terms_by_customer` s JOIN `customers` c ON c.`id` = s.`customer_id`;--> statement-breakpoint
DROP TABLE `search_terms_by_customer`;--> statement-breakpoint
CREATE UNIQUE INDEX `search_terms_uq` ON `search_terms` (`term`,`field`,`root_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `search_terms_customer_idx` ON `search_terms` (`customer_id`);--> statement-breakpoint
-- A merge or a split re-roots customers: their terms and labels move with them.
CREATE TRIGGER `search_follows_root` AFTER UPDATE OF `root_id` ON `customers` WHEN OLD.`root_id` IS NOT NEW.`root_id` BEGIN
	UPDATE `search_terms` SET `root_id` = NEW.`root_id` WHERE `customer_id` = NEW.`id`;
	UPDATE `labels` SET `root_id` = NEW.`root_id` WHERE `customer_id` = NEW.`id`;
END;--> statement-breakpoint
DROP INDEX `audience_kyc_risk_idx`;--> statement-breakpoint
CREATE INDEX `audience_kyc_risk_idx` ON `audience` (`kyc_status`,`risk_rank`,`root_id`);--> statement-breakpoint
DROP INDEX `root_day_volume_day_micros_idx`;--> statement-breakpoint
CREATE INDEX `root_day_volume_day_micros_idx` ON `root_day_volume` (`day`,`micros`,`root_id`);

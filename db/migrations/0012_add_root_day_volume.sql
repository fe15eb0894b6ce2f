CREATE TABLE `root_day_volume` (
	`root_id` text NOT NULL,
	`day` text NOT NULL,
	`count` integer NOT NULL,
	`micros` integer NOT NULL,
	PRIMARY KEY(`root_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `root_day_volume_day_micros_idx` ON `root_day_volume` (`day`,`micros`);--> statement-breakpoint
-- Hand-written below (drizzle's schema has no triggers). The volume follows each transaction as it is
-- stored or deleted, under the root its customer has at that moment.
CREATE TRIGGER `root_day_volume_tx_insert` AFTER INSERT ON `transactions` BEGIN
	INSERT INTO `root_day_volume` (`root_id`, `day`, `count`, `micros`)
	SELECT `root_id`, NEW.`day`, 1, NEW.`usdt_micros` FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`, `day`) DO UPDATE SET `count` = `count` + 1, `micros` = `micros` + excluded.`micros`;
END;
--> statement-breakpoint
CREATE TRIGGER `root_day_volume_tx_delete` AFTER DELETE ON `transactions` BEGIN
	UPDATE `root_day_volume` SET `count` = `count` - 1, `micros` = `micros` - OLD.`usdt_micros`
	WHERE `root_id` = (SELECT `root_id` FROM `customers` WHERE `id` = OLD.`customer_id`) AND `day` = OLD.`day`;
	DELETE FROM `root_day_volume` WHERE `root_id` = (SELECT `root_id` FROM `customers` WHERE `id` = OLD.`customer_id`) AND `day` = OLD.`day` AND `count` = 0;
END;
--> statement-breakpoint
-- Nothing updates a stored transaction today; if something does, the volume moves with it.
CREATE TRIGGER `root_day_volume_tx_update` AFTER UPDATE OF `customer_id`, `day`, `usdt_micros` ON `transactions` BEGIN
	UPDATE `root_day_volume` SET `count` = `count` - 1, `micros` = `micros` - OLD.`usdt_micros`
	WHERE `root_id` = (SELECT `root_id` FROM `customers` WHERE `id` = OLD.`customer_id`) AND `day` = OLD.`day`;
	DELETE FROM `root_day_volume` WHERE `root_id` = (SELECT `root_id` FROM `customers` WHERE `id` = OLD.`customer_id`) AND `day` = OLD.`day` AND `count` = 0;
	INSERT INTO `root_day_volume` (`root_id`, `day`, `count`, `micros`)
	SELECT `root_id`, NEW.`day`, 1, NEW.`usdt_micros` FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`, `day`) DO UPDATE SET `count` = `count` + 1, `micros` = `micros` + excluded.`micros`;
END;
--> statement-breakpoint
-- A merge or a split re-roots customers: each one's transactions move, day by day, to its new root.
CREATE TRIGGER `root_day_volume_reroot` AFTER UPDATE OF `root_id` ON `customers` WHEN OLD.`root_id` IS NOT NEW.`root_id` BEGIN
	INSERT INTO `root_day_volume` (`root_id`, `day`, `count`, `micros`)
	SELECT NEW.`root_id`, `day`, count(*), total(`usdt_micros`) FROM `transactions` WHERE `customer_id` = NEW.`id` GROUP BY `day`
	ON CONFLICT (`root_id`, `day`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
	-- The old root holds every one of these rows, so this only ever subtracts.
	INSERT INTO `root_day_volume` (`root_id`, `day`, `count`, `micros`)
	SELECT OLD.`root_id`, `day`, -count(*), -total(`usdt_micros`) FROM `transactions` WHERE `customer_id` = NEW.`id` GROUP BY `day`
	ON CONFLICT (`root_id`, `day`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
	DELETE FROM `root_day_volume` WHERE `root_id` = OLD.`root_id` AND `count` = 0;
END;
--> statement-breakpoint
INSERT INTO `root_day_volume` (`root_id`, `day`, `count`, `micros`)
SELECT c.`root_id`, t.`day`, count(*), total(t.`usdt_micros`) FROM `transactions` t JOIN `customers` c ON c.`id` = t.`customer_id` GROUP BY c.`root_id`, t.`day`;

CREATE TABLE `source_volume` (
	`scope` text NOT NULL,
	`source` text NOT NULL,
	`count` integer NOT NULL,
	`micros` integer NOT NULL,
	PRIMARY KEY(`scope`, `source`)
);
--> statement-breakpoint
-- Hand-written below (drizzle's schema has no triggers). Invariant: for each scope and source, the sum
-- of the `root_volume` rows whose unified customer's audience row has that first-touch source ('' when
-- it has none or no audience row). Each change to either table moves the figures under the state of
-- the other at that moment, so the order of a merge's statements does not matter.
CREATE TRIGGER `source_volume_rv_insert` AFTER INSERT ON `root_volume` BEGIN
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT NEW.`scope`, coalesce((SELECT `acquisition_source` FROM `audience` WHERE `root_id` = NEW.`root_id`), ''), NEW.`count`, NEW.`micros` WHERE true
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
END;
--> statement-breakpoint
CREATE TRIGGER `source_volume_rv_delete` AFTER DELETE ON `root_volume` BEGIN
	UPDATE `source_volume` SET `count` = `count` - OLD.`count`, `micros` = `micros` - OLD.`micros`
	WHERE `scope` = OLD.`scope` AND `source` = coalesce((SELECT `acquisition_source` FROM `audience` WHERE `root_id` = OLD.`root_id`), '');
END;
--> statement-breakpoint
-- An upsert that adds to a unified customer's volume is an UPDATE of its row.
CREATE TRIGGER `source_volume_rv_update` AFTER UPDATE ON `root_volume` BEGIN
	UPDATE `source_volume` SET `count` = `count` - OLD.`count`, `micros` = `micros` - OLD.`micros`
	WHERE `scope` = OLD.`scope` AND `source` = coalesce((SELECT `acquisition_source` FROM `audience` WHERE `root_id` = OLD.`root_id`), '');
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT NEW.`scope`, coalesce((SELECT `acquisition_source` FROM `audience` WHERE `root_id` = NEW.`root_id`), ''), NEW.`count`, NEW.`micros` WHERE true
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
END;
--> statement-breakpoint
-- A unified customer's source changes (its first touch, a merge, its audience row written or dropped):
-- its volume in every scope moves from the old source to the new. `root_volume`'s key is
-- (scope, root_id), so the scopes are named (volume_scopes) to probe it instead of scanning it.
CREATE TRIGGER `source_volume_audience_insert` AFTER INSERT ON `audience` WHEN coalesce(NEW.`acquisition_source`, '') <> '' BEGIN
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT `scope`, '', -`count`, -`micros` FROM `root_volume` WHERE `scope` IN (SELECT `scope` FROM `volume_scopes`) AND `root_id` = NEW.`root_id`
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT `scope`, NEW.`acquisition_source`, `count`, `micros` FROM `root_volume` WHERE `scope` IN (SELECT `scope` FROM `volume_scopes`) AND `root_id` = NEW.`root_id`
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
END;
--> statement-breakpoint
CREATE TRIGGER `source_volume_audience_update` AFTER UPDATE OF `acquisition_source`, `root_id` ON `audience`
WHEN OLD.`root_id` IS NOT NEW.`root_id` OR coalesce(OLD.`acquisition_source`, '') <> coalesce(NEW.`acquisition_source`, '') BEGIN
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT `scope`, coalesce(OLD.`acquisition_source`, ''), -`count`, -`micros` FROM `root_volume` WHERE `scope` IN (SELECT `scope` FROM `volume_scopes`) AND `root_id` = OLD.`root_id`
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT `scope`, '', `count`, `micros` FROM `root_volume` WHERE `scope` IN (SELECT `scope` FROM `volume_scopes`) AND `root_id` = OLD.`root_id`
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT `scope`, '', -`count`, -`micros` FROM `root_volume` WHERE `scope` IN (SELECT `scope` FROM `volume_scopes`) AND `root_id` = NEW.`root_id`
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT `scope`, coalesce(NEW.`acquisition_source`, ''), `count`, `micros` FROM `root_volume` WHERE `scope` IN (SELECT `scope` FROM `volume_scopes`) AND `root_id` = NEW.`root_id`
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
END;
--> statement-breakpoint
CREATE TRIGGER `source_volume_audience_delete` AFTER DELETE ON `audience` WHEN coalesce(OLD.`acquisition_source`, '') <> '' BEGIN
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT `scope`, OLD.`acquisition_source`, -`count`, -`micros` FROM `root_volume` WHERE `scope` IN (SELECT `scope` FROM `volume_scopes`) AND `root_id` = OLD.`root_id`
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
	INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
	SELECT `scope`, '', `count`, `micros` FROM `root_volume` WHERE `scope` IN (SELECT `scope` FROM `volume_scopes`) AND `root_id` = OLD.`root_id`
	ON CONFLICT (`scope`, `source`) DO UPDATE SET `count` = `count` + excluded.`count`, `micros` = `micros` + excluded.`micros`;
END;
--> statement-breakpoint
-- The unified customers already counted.
INSERT INTO `source_volume` (`scope`, `source`, `count`, `micros`)
SELECT rv.`scope`, coalesce(a.`acquisition_source`, ''), sum(rv.`count`), sum(rv.`micros`)
FROM `root_volume` rv LEFT JOIN `audience` a ON a.`root_id` = rv.`root_id` GROUP BY 1, 2;

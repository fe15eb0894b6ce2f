CREATE TABLE `profile_versions` (
	`root_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `profile_rows` (
	`root_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`grp` text NOT NULL,
	`ids` text NOT NULL,
	`traits` text NOT NULL,
	`labels` text NOT NULL,
	`attrs` text NOT NULL,
	`kyc` text,
	`forms` text NOT NULL,
	`tasks` text NOT NULL,
	`wallets` text NOT NULL,
	`onchain` text NOT NULL,
	`exposure` text NOT NULL,
	`tx` text NOT NULL,
	`by_token` text NOT NULL,
	`by_chain` text NOT NULL,
	`activity` text NOT NULL,
	`first_touch` text,
	`last_touch` text,
	`touches` integer NOT NULL,
	`device` text,
	`recent_tx` text NOT NULL,
	`refused` text NOT NULL
);
--> statement-breakpoint
-- Hand-written below (drizzle's schema has no triggers). Every write to a table the profile statement
-- reads (src/profile/profile.ts, lists.ts) bumps the version of the root(s) it concerns, in the same
-- statement, so a stored profile row built from an older version is never served (src/profile/read-model.ts).
-- Generated from the list of tables that statement reads; only the root lookups differ by table.
CREATE TRIGGER `profile_identifiers_insert` AFTER INSERT ON `identifiers` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_identifiers_update` AFTER UPDATE ON `identifiers` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_identifiers_delete` AFTER DELETE ON `identifiers` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_traits_insert` AFTER INSERT ON `traits` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_traits_update` AFTER UPDATE ON `traits` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_traits_delete` AFTER DELETE ON `traits` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_labels_insert` AFTER INSERT ON `labels` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_labels_update` AFTER UPDATE ON `labels` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_labels_delete` AFTER DELETE ON `labels` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_attributes_insert` AFTER INSERT ON `attributes` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_attributes_update` AFTER UPDATE ON `attributes` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_attributes_delete` AFTER DELETE ON `attributes` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_kyc_states_insert` AFTER INSERT ON `kyc_states` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_kyc_states_update` AFTER UPDATE ON `kyc_states` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_kyc_states_delete` AFTER DELETE ON `kyc_states` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_compliance_forms_insert` AFTER INSERT ON `compliance_forms` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_compliance_forms_update` AFTER UPDATE ON `compliance_forms` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_compliance_forms_delete` AFTER DELETE ON `compliance_forms` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_kyc_tasks_insert` AFTER INSERT ON `kyc_tasks` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_kyc_tasks_update` AFTER UPDATE ON `kyc_tasks` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_kyc_tasks_delete` AFTER DELETE ON `kyc_tasks` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_wallets_insert` AFTER INSERT ON `wallets` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_wallets_update` AFTER UPDATE ON `wallets` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_wallets_delete` AFTER DELETE ON `wallets` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_transactions_insert` AFTER INSERT ON `transactions` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_transactions_update` AFTER UPDATE ON `transactions` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_transactions_delete` AFTER DELETE ON `transactions` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_events_insert` AFTER INSERT ON `events` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_events_update` AFTER UPDATE ON `events` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_events_delete` AFTER DELETE ON `events` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_campaign_touches_insert` AFTER INSERT ON `campaign_touches` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_campaign_touches_update` AFTER UPDATE ON `campaign_touches` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_campaign_touches_delete` AFTER DELETE ON `campaign_touches` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_devices_insert` AFTER INSERT ON `devices` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_devices_update` AFTER UPDATE ON `devices` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id` AND OLD.`customer_id` IS NOT NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_devices_delete` AFTER DELETE ON `devices` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_chain_transfers_insert` AFTER INSERT ON `chain_transfers` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT c.`root_id`, 1 FROM `wallets` w JOIN `customers` c ON c.`id` = w.`customer_id` WHERE w.`chain` = NEW.`chain` AND w.`address` = NEW.`wallet`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_onchain_readings_insert` AFTER INSERT ON `onchain_readings` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT c.`root_id`, 1 FROM `wallets` w JOIN `customers` c ON c.`id` = w.`customer_id` WHERE w.`chain` = NEW.`chain` AND w.`address` = NEW.`address`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_identity_conflicts_insert` AFTER INSERT ON `identity_conflicts` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` IN (json_extract(NEW.`customer_ids`, '$[0]'), json_extract(NEW.`customer_ids`, '$[1]'))
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_chain_transfers_update` AFTER UPDATE ON `chain_transfers` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = NEW.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT c.`root_id`, 1 FROM `wallets` w JOIN `customers` c ON c.`id` = w.`customer_id` WHERE w.`chain` = NEW.`chain` AND w.`address` = NEW.`wallet`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT c.`root_id`, 1 FROM `wallets` w JOIN `customers` c ON c.`id` = w.`customer_id` WHERE w.`chain` = OLD.`chain` AND w.`address` = OLD.`wallet`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_onchain_readings_update` AFTER UPDATE ON `onchain_readings` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT c.`root_id`, 1 FROM `wallets` w JOIN `customers` c ON c.`id` = w.`customer_id` WHERE w.`chain` = NEW.`chain` AND w.`address` = NEW.`address`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT c.`root_id`, 1 FROM `wallets` w JOIN `customers` c ON c.`id` = w.`customer_id` WHERE w.`chain` = OLD.`chain` AND w.`address` = OLD.`address`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_identity_conflicts_update` AFTER UPDATE ON `identity_conflicts` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` IN (json_extract(NEW.`customer_ids`, '$[0]'), json_extract(NEW.`customer_ids`, '$[1]'))
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` IN (json_extract(OLD.`customer_ids`, '$[0]'), json_extract(OLD.`customer_ids`, '$[1]'))
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_chain_transfers_delete` AFTER DELETE ON `chain_transfers` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` = OLD.`customer_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT c.`root_id`, 1 FROM `wallets` w JOIN `customers` c ON c.`id` = w.`customer_id` WHERE w.`chain` = OLD.`chain` AND w.`address` = OLD.`wallet`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_onchain_readings_delete` AFTER DELETE ON `onchain_readings` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT c.`root_id`, 1 FROM `wallets` w JOIN `customers` c ON c.`id` = w.`customer_id` WHERE w.`chain` = OLD.`chain` AND w.`address` = OLD.`address`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_identity_conflicts_delete` AFTER DELETE ON `identity_conflicts` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT `root_id`, 1 FROM `customers` WHERE `id` IN (json_extract(OLD.`customer_ids`, '$[0]'), json_extract(OLD.`customer_ids`, '$[1]'))
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_customers_insert` AFTER INSERT ON `customers` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT NEW.`root_id`, 1 WHERE true
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_customers_update` AFTER UPDATE OF `root_id`, `created_at`, `first_seen_at`, `last_activity_at` ON `customers` WHEN OLD.`root_id` IS NOT NEW.`root_id` OR OLD.`created_at` IS NOT NEW.`created_at` OR OLD.`first_seen_at` IS NOT NEW.`first_seen_at` OR OLD.`last_activity_at` IS NOT NEW.`last_activity_at` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT NEW.`root_id`, 1 WHERE true
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT OLD.`root_id`, 1 WHERE OLD.`root_id` IS NOT NEW.`root_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_customers_delete` AFTER DELETE ON `customers` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT OLD.`root_id`, 1 WHERE true
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_alerts_insert` AFTER INSERT ON `alerts` WHEN NEW.`kind` = 'exposure' BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT NEW.`unified_id`, 1 WHERE true
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_alerts_update` AFTER UPDATE OF `unified_id`, `kind`, `reason`, `at` ON `alerts` BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT NEW.`unified_id`, 1 WHERE true
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT OLD.`unified_id`, 1 WHERE OLD.`unified_id` IS NOT NEW.`unified_id`
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_alerts_delete` AFTER DELETE ON `alerts` WHEN OLD.`kind` = 'exposure' BEGIN
	INSERT INTO `profile_versions` (`root_id`, `version`) SELECT OLD.`unified_id`, 1 WHERE true
	ON CONFLICT (`root_id`) DO UPDATE SET `version` = `version` + 1;
END;

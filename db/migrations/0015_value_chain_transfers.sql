ALTER TABLE `chain_transfers` ADD `value_micros` integer;--> statement-breakpoint
ALTER TABLE `chain_transfers` ADD `price` text;--> statement-breakpoint
-- Transfers indexed before this: the value their transaction was stored with (through the customer/at
-- index), where it is not 0 (0 was also how an unpriced transfer was stored); where their price came
-- from was not kept, so `price` stays null.
UPDATE `chain_transfers` SET `value_micros` = t.`usdt_micros` FROM `transactions` t
  WHERE t.`customer_id` = `chain_transfers`.`customer_id` AND t.`at` = `chain_transfers`.`at` AND t.`record_id` = `chain_transfers`.`record_id` AND t.`usdt_micros` > 0;

ALTER TABLE `audience` ADD `net_worth_micros` integer;--> statement-breakpoint
CREATE INDEX `audience_net_worth_idx` ON `audience` (`net_worth_micros`);--> statement-breakpoint
-- Customers stored before this: their net worth from the readings already stored, by the profile's rule
-- (each priced reading of the group's wallets rounded to cents, summed; null when none is priced), as
-- refreshAudience (src/audience/index-rows.ts) writes it from now on.
UPDATE `audience` SET `net_worth_micros` = (
  SELECT CAST(sum(round(r.`value_micros` / 10000.0)) * 10000 AS INTEGER)
  FROM `customers` c JOIN `wallets` w ON w.`customer_id` = c.`id` JOIN `onchain_readings` r ON r.`chain` = w.`chain` AND r.`address` = w.`address`
  WHERE c.`root_id` = `audience`.`root_id` AND r.`value_micros` IS NOT NULL);

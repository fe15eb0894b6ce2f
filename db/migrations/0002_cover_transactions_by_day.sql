DROP INDEX `transactions_day_idx`;--> statement-breakpoint
CREATE INDEX `transactions_day_cover_idx` ON `transactions` (`day`,`token`,`chain`,`usdt_micros`,`customer_id`);
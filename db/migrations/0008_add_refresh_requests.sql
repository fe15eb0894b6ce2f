CREATE TABLE `onchain_refresh_requests` (
	`chain` text NOT NULL,
	`address` text NOT NULL,
	`requested_at` integer NOT NULL,
	PRIMARY KEY(`chain`, `address`)
);
--> statement-breakpoint
CREATE INDEX `chain_transfers_counterparty_idx` ON `chain_transfers` (`counterparty`,`at`);
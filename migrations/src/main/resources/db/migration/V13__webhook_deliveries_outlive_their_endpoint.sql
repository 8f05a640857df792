-- A job's webhook log keeps what was sent to an endpoint (its URL, attempts and answers) after the
-- endpoint is deleted: its deliveries cascaded away with it. WebhookStore.delete first ends the
-- endpoint's pending deliveries ('failed', "the endpoint was deleted"), so none of them is sent
-- later under another secret.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_endpoint_id_fkey;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey
    FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE SET NULL;

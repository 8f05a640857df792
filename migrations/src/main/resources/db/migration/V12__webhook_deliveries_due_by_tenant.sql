-- Senders claim the oldest due delivery of each tenant (one tenant's endpoints that never answer
-- must not hold up another tenant's): this index serves that per-tenant pick.
CREATE INDEX webhook_deliveries_due_by_tenant ON webhook_deliveries (tenant, next_attempt_at)
    WHERE status = 'pending';

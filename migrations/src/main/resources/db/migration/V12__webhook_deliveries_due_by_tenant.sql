-- Senders take the tenants' due deliveries in turns, each tenant's oldest first (one tenant's
-- endpoints that never answer must not hold up another tenant's): this index serves that order.
CREATE INDEX webhook_deliveries_due_by_tenant ON webhook_deliveries (tenant, next_attempt_at)
    WHERE status = 'pending';

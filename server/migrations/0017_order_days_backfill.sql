-- Custom SQL migration: fills order_days (created empty by 0015) from the orders already stored,
-- one row per customer and day in the business time zone (the settings' timeZone, by default
-- Asia/Shanghai), counting orders neither cancelled nor fully refunded. New orders keep it current.
INSERT INTO order_days (customer_id, day, order_count, amount)
SELECT o.customer_id, (o.placed_at AT TIME ZONE tz.name)::date, count(*)::int, sum(o.paid_amount - o.refunded_amount)
  FROM orders o,
       (SELECT coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'timeZone'), 'Asia/Shanghai') AS name) tz
 WHERE o.status IN ('paid', 'partially_refunded')
 GROUP BY 1, 2
ON CONFLICT (customer_id, day) DO UPDATE SET order_count = excluded.order_count, amount = excluded.amount;
--> statement-breakpoint
-- planner statistics for the windows' range scans (a fresh table has none until autovacuum comes by)
ANALYZE order_days;

-- Fails (returns rows) for orders below var('min_order_amount'): 0 by default, so it passes
-- unless a run sets the var, e.g. --vars '{min_order_amount: 100}'.
select order_id, amount
from {{ ref('fct_orders') }}
where amount < {{ var('min_order_amount') }}

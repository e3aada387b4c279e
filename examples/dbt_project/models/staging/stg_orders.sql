-- The source's table is the raw_orders seed: built after it.
-- depends_on: {{ ref('raw_orders') }}
select
    id as order_id,
    customer_id,
    cast(ordered_at as timestamp) as ordered_at,
    status
from {{ source('shop', 'raw_orders') }}

select
    customers.customer_id,
    customers.first_name,
    customers.last_name,
    count(orders.order_id) as order_count,
    coalesce(sum(orders.amount), 0) as lifetime_value
from {{ ref('stg_customers') }} as customers
left join {{ ref('fct_orders') }} as orders on orders.customer_id = customers.customer_id
group by 1, 2, 3

-- The DfE code lists (seed ref_code_lists) with their groups; the challenge levels' group is their
-- rank (PRACTICE_MANAGER 1 ... CAFCASS 6).
select
    code_list,
    code,
    description,
    nullif(code_group, '') as code_group,
    case when code_list = 'challenge_level' then cast(code_group as integer) end as level_rank
from {{ ref('ref_code_lists') }}

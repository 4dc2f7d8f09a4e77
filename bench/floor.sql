-- The floor of the ranking recompute: formula v1 (DESIGN.md "Ranking (formula v1)") as ONE
-- hand-written statement over the same rows: every municipality's score and its standard
-- competition rank. Verified adoptions of published innovations that started on or before
-- the reference date; points = stage × order among the innovation's verified adopters by
-- start date (ties share the better factor) × 0.5 ^ (age in years / 3), age from stage_since.
SELECT municipality_id, score, RANK() OVER (ORDER BY score DESC) AS rank
FROM (
    SELECT municipality_id,
        SUM(
            CASE stage
                WHEN 'pilot' THEN 1.0::float8
                WHEN 'implemented' THEN 2.0::float8
                WHEN 'scaled' THEN 3.0::float8
                ELSE 0.0::float8
            END
            * CASE
                WHEN adopter_order = 1 THEN 2.0::float8
                WHEN adopter_order <= 5 THEN 1.5::float8
                ELSE 1.0::float8
            END
            * power(
                0.5::float8,
                GREATEST(%(reference_date)s::date - stage_since, 0)::float8 / (3 * 365.25::float8)
            )
        ) AS score
    FROM (
        SELECT a.municipality_id, a.stage, a.stage_since,
            RANK() OVER (PARTITION BY a.innovation_id ORDER BY a.started_on) AS adopter_order
        FROM municipalities_adoption a
        JOIN innovations_innovation i ON i.id = a.innovation_id
        WHERE a.verification = 'verified'
            AND i.status = 'approved'
            AND i.revision_of_id IS NULL
            AND a.started_on <= %(reference_date)s::date
    ) counted
    GROUP BY municipality_id
) totals
WHERE score > 0

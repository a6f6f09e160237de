/**
 * Health education: articles content editors write in Markdown (stored with their sanitised HTML) and aim at
 * patients through tags (condition-code prefixes, departments, topics, age range, sex); each patient's feed ranks
 * the published ones by how well they fit (conditions from active care plans, departments visited or booked,
 * declared interests, age and sex) and by freshness, in SQL, with a stable cursor; read tracking; and campaigns that
 * push an article to a segment through the outbox, each message checked against consent and preferences.
 */
package com.patientcrm.feed;

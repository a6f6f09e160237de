-- A session cancellation (停诊) finds the live appointments of the stopped slots and recounts each slot's places
-- (HospitalAppointments.cancelAppointmentsOf); without an index on slot_id both read every appointment ever booked,
-- which after a few years of a hospital's bookings is millions of rows per statement. Partial: only live
-- appointments are ever looked up by slot, and they are a small share of the table.
create index appointments_live_by_slot on app.appointments (slot_id) where status in ('BOOKED', 'CHECKED_IN');

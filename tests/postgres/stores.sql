-- Stores keyed by (region_id, store_no), sales referring to them by both
-- columns (a composite foreign key) and to the staff who sold, staff
-- reporting to earlier staff (a self-reference). A store sells in
-- proportion to its floor space: learned counts must follow it.
CREATE TABLE region (region_id serial PRIMARY KEY, name text NOT NULL, climate text NOT NULL);
CREATE TABLE store (region_id integer NOT NULL REFERENCES region, store_no integer NOT NULL,
  floor_m2 integer NOT NULL, PRIMARY KEY (region_id, store_no));
CREATE TABLE staff (staff_id serial PRIMARY KEY, boss_id integer REFERENCES staff, grade integer NOT NULL);
CREATE TABLE sale (sale_id serial PRIMARY KEY, region_id integer NOT NULL, store_no integer NOT NULL,
  sold_by integer REFERENCES staff, amount numeric(8,2) NOT NULL,
  FOREIGN KEY (region_id, store_no) REFERENCES store);
INSERT INTO region (name, climate) SELECT 'r' || i, CASE WHEN i % 3 = 0 THEN 'cold' ELSE 'warm' END
  FROM generate_series(1, 40) i;
INSERT INTO store SELECT r, s, 200 + ((r * 37 + s * 11) % 9) * 100 FROM generate_series(1, 40) r,
  generate_series(1, 6) s WHERE s <= 1 + r % 6;
INSERT INTO staff (boss_id, grade) SELECT CASE WHEN i = 1 THEN NULL ELSE 1 + (i * 7) % (i - 1) END, 1 + i % 4
  FROM generate_series(1, 60) i;
INSERT INTO sale (region_id, store_no, sold_by, amount)
  SELECT st.region_id, st.store_no, 1 + (k * 13 + st.store_no) % 60, round((st.floor_m2 / 10.0 + (k % 17))::numeric, 2)
  FROM store st, generate_series(1, 40) k WHERE k <= st.floor_m2 / 25;

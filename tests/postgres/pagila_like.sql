-- A schema with what real PostgreSQL schemas hold and introspection must
-- fill (written for seedforge after the shape of the Pagila sample, no line
-- of it copied): a DOMAIN with a CHECK, an enum, a tsvector NOT NULL that a
-- trigger derives from the row, last_update triggers, a table partitioned
-- by month with its foreign keys declared on the partitions, text[], a 0/1
-- smallint flag, bytea, inet, cidr, interval, money, time, citext, ranges
-- and a generated column; and a few rows of each, so that providers can be
-- chosen from the values.
CREATE EXTENSION IF NOT EXISTS citext;

CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');

CREATE FUNCTION touch_last_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.last_update := now();
  RETURN NEW;
END $$;

CREATE FUNCTION film_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.fulltext := to_tsvector('simple', coalesce(NEW.title, '') || ' ' || coalesce(NEW.description, ''));
  RETURN NEW;
END $$;

CREATE TABLE language (
    language_id smallserial PRIMARY KEY,
    name char(20) NOT NULL,
    last_update timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE category (
    category_id smallserial PRIMARY KEY,
    name varchar(25) NOT NULL,
    -- no trigger fills this one: introspection derives it from the name
    search tsvector NOT NULL,
    last_update timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE store (
    store_id serial PRIMARY KEY,
    address varchar(50) NOT NULL,
    network cidr NOT NULL,
    opens_at time NOT NULL,
    closes_at time NOT NULL,
    last_update timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customer (
    customer_id serial PRIMARY KEY,
    store_id integer NOT NULL REFERENCES store,
    first_name varchar(45) NOT NULL,
    last_name varchar(45) NOT NULL,
    email citext UNIQUE,
    active smallint NOT NULL DEFAULT 1,
    activebool boolean NOT NULL DEFAULT true,
    create_date date NOT NULL DEFAULT current_date,
    last_ip inet,
    last_update timestamptz DEFAULT now()
);

CREATE TABLE film (
    film_id serial PRIMARY KEY,
    title varchar(255) NOT NULL,
    description text,
    release_year year,
    language_id smallint NOT NULL REFERENCES language,
    rental_duration smallint NOT NULL DEFAULT 3,
    rental_rate numeric(4,2) NOT NULL DEFAULT 4.99,
    length smallint,
    replacement_cost money NOT NULL DEFAULT 19.99,
    rating mpaa_rating DEFAULT 'G',
    special_features text[],
    poster bytea,
    loan_period interval NOT NULL,
    showing daterange,
    seats int4range,
    fulltext tsvector NOT NULL,
    title_length integer GENERATED ALWAYS AS (char_length(title)) STORED,
    last_update timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE film_category (
    film_id integer NOT NULL REFERENCES film,
    category_id smallint NOT NULL REFERENCES category,
    PRIMARY KEY (film_id, category_id)
);

CREATE TABLE inventory (
    inventory_id serial PRIMARY KEY,
    film_id integer NOT NULL REFERENCES film,
    store_id integer NOT NULL REFERENCES store,
    last_update timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rental (
    rental_id serial PRIMARY KEY,
    rental_date timestamptz NOT NULL,
    inventory_id integer NOT NULL REFERENCES inventory,
    customer_id integer NOT NULL REFERENCES customer,
    return_window tstzrange,
    last_update timestamptz NOT NULL DEFAULT now()
);

-- Partitioned by month; the foreign keys are declared on each partition,
-- as Pagila declares them, not on the partitioned table.
CREATE TABLE payment (
    payment_id serial NOT NULL,
    customer_id integer NOT NULL,
    rental_id integer NOT NULL,
    amount numeric(5,2) NOT NULL CHECK (amount >= 0),
    payment_date timestamptz NOT NULL,
    PRIMARY KEY (payment_date, payment_id)
) PARTITION BY RANGE (payment_date);
CREATE TABLE payment_p2022_01 PARTITION OF payment FOR VALUES FROM ('2022-01-01 00:00:00+00') TO ('2022-02-01 00:00:00+00');
CREATE TABLE payment_p2022_02 PARTITION OF payment FOR VALUES FROM ('2022-02-01 00:00:00+00') TO ('2022-03-01 00:00:00+00');
CREATE TABLE payment_p2022_03 PARTITION OF payment FOR VALUES FROM ('2022-03-01 00:00:00+00') TO ('2022-04-01 00:00:00+00');
ALTER TABLE payment_p2022_01 ADD FOREIGN KEY (customer_id) REFERENCES customer, ADD FOREIGN KEY (rental_id) REFERENCES rental;
ALTER TABLE payment_p2022_02 ADD FOREIGN KEY (customer_id) REFERENCES customer, ADD FOREIGN KEY (rental_id) REFERENCES rental;
ALTER TABLE payment_p2022_03 ADD FOREIGN KEY (customer_id) REFERENCES customer, ADD FOREIGN KEY (rental_id) REFERENCES rental;

CREATE TRIGGER film_fulltext BEFORE INSERT OR UPDATE ON film FOR EACH ROW EXECUTE FUNCTION film_search_vector();
CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW EXECUTE FUNCTION touch_last_update();
CREATE TRIGGER last_updated BEFORE INSERT OR UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION touch_last_update();
CREATE TRIGGER last_updated BEFORE INSERT OR UPDATE ON store FOR EACH ROW EXECUTE FUNCTION touch_last_update();

-- Rows, made by SQL so that each table has enough for its values to say
-- something (the flags, the titles, the children per parent).
INSERT INTO language (name) VALUES ('English'), ('Italian'), ('Japanese'), ('Mandarin'), ('French'), ('German');
INSERT INTO category (name, search)
SELECT n, to_tsvector('simple', n)
FROM unnest(ARRAY['Action', 'Animation', 'Children', 'Classics', 'Comedy', 'Documentary', 'Drama', 'Family',
                  'Foreign', 'Games', 'Horror', 'Music', 'New', 'Sci-Fi', 'Sports', 'Travel']) n;
INSERT INTO store (address, network, opens_at, closes_at)
VALUES ('47 MySakila Drive', '192.168.10.0/24', '09:00', '21:00'), ('28 MySQL Boulevard', '10.4.0.0/16', '08:30', '22:00');
INSERT INTO customer (store_id, first_name, last_name, email, active, create_date, last_ip)
SELECT 1 + i % 2, (ARRAY['MARY', 'PATRICIA', 'LINDA', 'BARBARA', 'ELIZABETH', 'JENNIFER', 'MARIA', 'SUSAN'])[1 + i % 8],
       (ARRAY['SMITH', 'JOHNSON', 'WILLIAMS', 'JONES', 'BROWN', 'DAVIS', 'MILLER', 'WILSON', 'MOORE'])[1 + i % 9],
       'customer' || i || '@example.org', CASE WHEN i % 40 = 0 THEN 0 ELSE 1 END,
       date '2021-02-14' + i % 30, ('203.0.113.' || i % 250)::inet
FROM generate_series(1, 300) i;
INSERT INTO film (title, description, release_year, language_id, rental_duration, rental_rate, length,
                  replacement_cost, rating, special_features, poster, loan_period, showing, seats)
SELECT (ARRAY['ACADEMY', 'ACE', 'ADAPTATION', 'AFFAIR', 'AFRICAN', 'AGENT', 'AIRPLANE', 'ALABAMA', 'ALADDIN',
              'ALAMO', 'ALASKA', 'ALI', 'ALICE', 'ALIEN', 'ALLEY', 'ALONE'])[1 + i % 16] || ' ' ||
       (ARRAY['DINOSAUR', 'GOLDFINGER', 'HOLES', 'PREJUDICE', 'EGG', 'TRUMAN', 'SIERRA', 'DEVIL', 'CALENDAR',
              'APOLLO', 'PHANTOM', 'FOREVER', 'FANTASIA', 'CENTER', 'OCTOBER', 'TRIP', 'WONDERFUL'])[1 + i % 17],
       'A Epic Drama of a Feminist And a Mad Scientist who must Battle a Teacher in The Canadian Rockies',
       2006, 1, 3 + i % 5, (ARRAY[0.99, 2.99, 4.99])[1 + i % 3], 46 + i % 140, 9.99 + i % 21,
       (ARRAY['G', 'PG', 'PG-13', 'R', 'NC-17'])[1 + i % 5]::mpaa_rating,
       ARRAY['Trailers', 'Deleted Scenes'], decode(md5(i::text), 'hex'), make_interval(days => 3 + i % 5),
       daterange(date '2022-01-01' + i % 60, date '2022-03-01' + i % 60), int4range(i % 50, 50 + i % 100)
FROM generate_series(1, 200) i;
INSERT INTO film_category (film_id, category_id) SELECT f, 1 + f % 16 FROM generate_series(1, 200) f;
INSERT INTO inventory (film_id, store_id) SELECT 1 + i % 200, 1 + i % 2 FROM generate_series(0, 799) i;
INSERT INTO rental (rental_date, inventory_id, customer_id, return_window)
SELECT timestamptz '2022-01-01 00:00:00+00' + make_interval(hours => i * 3), 1 + i % 800, 1 + i % 300,
       tstzrange(timestamptz '2022-01-01 00:00:00+00' + make_interval(hours => i * 3),
                 timestamptz '2022-01-04 00:00:00+00' + make_interval(hours => i * 3))
FROM generate_series(0, 599) i;
INSERT INTO payment (customer_id, rental_id, amount, payment_date)
SELECT r.customer_id, r.rental_id, 0.99 + r.rental_id % 10, r.rental_date + interval '1 hour'
FROM rental r;
ANALYZE;

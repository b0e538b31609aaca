#include "support/database_fixtures.h"

#include <cstdio>
#include <fstream>
#include <random>

namespace seedforge::testing {

namespace fs = std::filesystem;

void WriteTextFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

void WriteCountsDependOnX(const fs::path& dir, uint64_t seed, size_t parents) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::string parent_csv = "parent_id,x\n", child_csv = "child_id,parent_id,v\n";
  size_t child = 0;
  for (size_t p = 1; p <= parents; ++p) {
    const double x = uniform(rng);
    parent_csv += std::to_string(p) + "," + std::to_string(x) + "\n";
    std::poisson_distribution<int> count(1 + 3 * x);
    for (int c = count(rng); c > 0; --c) {
      child_csv += std::to_string(++child) + "," + std::to_string(p) + "," + std::to_string(uniform(rng)) + "\n";
    }
  }
  WriteTextFile(dir / "parents.csv", parent_csv);
  WriteTextFile(dir / "children.csv", child_csv);
}

std::string WritePatientsVisits(const fs::path& dir) {
  std::mt19937_64 rng(5);
  std::string patients = "patient_id,sex,treatment,age\n", visits = "visit_id,patient_id,sex,treatment,score\n";
  size_t visit = 0;
  for (int p = 1; p <= 200; ++p) {
    const std::string sex = rng() % 2 ? "F" : "M";
    const std::string treatment = rng() % 3 == 0 ? "placebo" : "drug";
    patients += std::to_string(p) + "," + sex + "," + treatment + "," + std::to_string(20 + rng() % 60) + "\n";
    for (int v = 1 + static_cast<int>(rng() % 4); v > 0; --v) {
      visits += std::to_string(++visit) + "," + std::to_string(p) + "," + sex + "," + treatment + "," +
                std::to_string(rng() % 100) + "\n";
    }
  }
  WriteTextFile(dir / "patients.csv", patients);
  WriteTextFile(dir / "visits.csv", visits);
  return visits;
}

// Flights: origin and destination are both airports, never the same one,
// and the destination's region follows the origin's.
constexpr const char* kFlightsSchema = R"(domain: air
entities:
  airports:
    columns:
      airport_id: {type: integer, primary_key: true, provider: sequence}
      region:     {type: text, not_null: true, provider: category, params: {values: [north, south, east]}}
      size:       {type: integer, not_null: true, provider: integer}
  flights:
    columns:
      flight_id:   {type: integer, primary_key: true, provider: sequence}
      origin:      {type: integer, not_null: true, references: airports}
      destination: {type: integer, not_null: true, references: airports}
      minutes:     {type: integer, not_null: true, provider: integer}
)";

void WriteStagedVisits(const fs::path& dir) {
  std::mt19937_64 rng(17);
  std::normal_distribution<double> noise(0, 30);
  const char* stages[] = {"I", "II", "III", "IV"};
  std::string patients = "patient_id,stage,age\n", visits = "visit_id,patient_id,cost,visited_on\n";
  size_t visit = 0;
  for (int p = 1; p <= 800; ++p) {
    const int k = static_cast<int>(rng() % 4);
    patients += std::to_string(p) + "," + stages[k] + "," + std::to_string(30 + rng() % 50) + "\n";
    for (int v = static_cast<int>(rng() % (3 + 2 * k)); v > 0; --v) {
      char line[96];
      std::snprintf(line, sizeof(line), "%zu,%d,%.2f,2024-%02d-%02d\n", ++visit, p, 100.0 * (k + 1) + noise(rng),
                    1 + static_cast<int>(rng() % 12), 1 + static_cast<int>(rng() % 28));
      visits += line;
    }
  }
  WriteTextFile(dir / "patients.csv", patients);
  WriteTextFile(dir / "visits.csv", visits);
}

void WriteFlights(const fs::path& dir) {
  std::mt19937_64 rng(9);
  const char* regions[] = {"north", "south", "east"};
  std::string airports = "airport_id,region,size\n", flights = "flight_id,origin,destination,minutes\n";
  constexpr int kAirports = 60;
  for (int a = 1; a <= kAirports; ++a) {
    airports += std::to_string(a) + "," + regions[a % 3] + "," + std::to_string(1 + rng() % 9) + "\n";
  }
  size_t flight = 0;
  for (int a = 1; a <= kAirports; ++a) {
    for (int f = rng() % 30; f > 0; --f) {
      // 80% to an airport of the same region (the same id mod 3), never to itself.
      int to = 0;
      do {
        if (rng() % 10 < 8) {
          to = 3 * static_cast<int>(rng() % (kAirports / 3)) + a % 3;
          if (to < 1) to += 3;
        } else {
          to = 1 + static_cast<int>(rng() % kAirports);
        }
      } while (to == a);
      flights += std::to_string(++flight) + "," + std::to_string(a) + "," + std::to_string(to) + "," +
                 std::to_string(30 + rng() % 300) + "\n";
    }
  }
  WriteTextFile(dir / "airports.csv", airports);
  WriteTextFile(dir / "flights.csv", flights);
  WriteTextFile(dir / "schema.yaml", kFlightsSchema);
}

// A junction table whose composite key is both links, and a self link.
constexpr const char* kMusicSchema = R"(domain: music
entities:
  employees:
    columns:
      employee_id: {type: integer, primary_key: true, provider: sequence}
      reports_to:  {type: integer, references: employees}
      level:       {type: integer, not_null: true, provider: integer}
  playlists:
    columns:
      playlist_id: {type: integer, primary_key: true, provider: sequence}
      kind:        {type: text, not_null: true, provider: category, params: {values: [mix, album]}}
  tracks:
    columns:
      track_id: {type: integer, primary_key: true, provider: sequence}
      genre:    {type: text, not_null: true, provider: category, params: {values: [rock, jazz]}}
  playlist_track:
    columns:
      playlist_id: {type: integer, primary_key: true, references: playlists}
      track_id:    {type: integer, primary_key: true, references: tracks}
)";

void WriteMusic(const fs::path& dir) {
  std::mt19937_64 rng(3);
  std::string employees = "employee_id,reports_to,level\n1,,1\n";
  for (int e = 2; e <= 40; ++e) {
    employees += std::to_string(e) + "," + std::to_string(1 + rng() % (e - 1)) + "," + std::to_string(2 + rng() % 3) +
                 "\n";
  }
  std::string playlists = "playlist_id,kind\n", tracks = "track_id,genre\n", pairs = "playlist_id,track_id\n";
  for (int t = 1; t <= 100; ++t) tracks += std::to_string(t) + "," + (t % 4 ? "rock" : "jazz") + "\n";
  for (int p = 1; p <= 30; ++p) {
    playlists += std::to_string(p) + "," + (p % 2 ? "mix" : "album") + "\n";
    const int n = 5 + static_cast<int>(rng() % 20);
    for (int i = 0; i < n; ++i) pairs += std::to_string(p) + "," + std::to_string(1 + (p * 7 + i * 3) % 100) + "\n";
  }
  WriteTextFile(dir / "employees.csv", employees);
  WriteTextFile(dir / "playlists.csv", playlists);
  WriteTextFile(dir / "tracks.csv", tracks);
  WriteTextFile(dir / "playlist_track.csv", pairs);
  WriteTextFile(dir / "schema.yaml", kMusicSchema);
}

void WriteCatalogue(const fs::path& dir) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> uniform(0, 1);
  WriteTextFile(dir / "media_types.csv",
                "media_type_id,name\n1,MPEG audio file\n2,AAC audio file\n3,MPEG-4 video file\n4,Lossless audio file\n");
  std::string albums = "album_id,year\n", tracks = "track_id,media_type_id,album_id,megabytes,price\n";
  int track = 0;
  for (int a = 1; a <= 200; ++a) {
    albums += std::to_string(a) + "," + std::to_string(1970 + rng() % 50) + "\n";
    for (int n = 3 + static_cast<int>(rng() % 15); n > 0; --n) {
      const double u = uniform(rng);
      const int type = u < 0.1 ? 3 : u < 0.64 ? 1 : u < 0.82 ? 2 : 4;
      const double megabytes = type == 3 ? 300 + 200 * uniform(rng) : 5 + 10 * uniform(rng);
      char line[96];
      std::snprintf(line, sizeof(line), "%d,%d,%d,%.2f,%s\n", ++track, type, a, megabytes, type == 3 ? "1.99" : "0.99");
      tracks += line;
    }
  }
  WriteTextFile(dir / "albums.csv", albums);
  WriteTextFile(dir / "tracks.csv", tracks);
}

}  // namespace seedforge::testing

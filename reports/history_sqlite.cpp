// The SQLite history store: one file, WAL journal (readers never block the writer, and a writer killed
// mid-transaction leaves the last committed state), schema versioned by PRAGMA user_version and migrated
// forward on open, one transaction per added run.
#include <fmt/format.h>

#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "reports/history.hpp"

namespace armperf::reports {
namespace {

// Migration i takes the schema from version i to i + 1. Append; never edit one that has shipped.
const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE machines (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  cpu_model TEXT NOT NULL DEFAULT '',
  num_cpus TEXT NOT NULL DEFAULT ''
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  machine_id INTEGER NOT NULL REFERENCES machines(id),
  content_hash TEXT NOT NULL UNIQUE,
  source_path TEXT NOT NULL,
  run_date TEXT NOT NULL,
  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  commit_sha TEXT NOT NULL DEFAULT '',
  branch TEXT NOT NULL DEFAULT '',
  context TEXT NOT NULL
);
CREATE TABLE results (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  benchmark TEXT NOT NULL,
  metric TEXT NOT NULL,
  unit TEXT NOT NULL,
  higher_is_better INTEGER NOT NULL,
  median REAL NOT NULL,
  n INTEGER NOT NULL,
  cv REAL,
  PRIMARY KEY (run_id, benchmark)
);
CREATE INDEX results_by_benchmark ON results(benchmark);
)sql"};

// Concurrent writers wait for each other this long before giving up.
constexpr int kBusyTimeoutMs = 30000;

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, const std::string& where) : where_(where) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      throw HistoryError(fmt::format("{}: {}", where_, sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    if (std::isfinite(v)) sqlite3_bind_double(stmt_, i, v);
    else sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // true while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw HistoryError(fmt::format("{}: {}", where_, sqlite3_errmsg(sqlite3_db_handle(stmt_))));
  }
  void run() {
    step();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                          : sqlite3_column_double(stmt_, col);
  }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  std::string where_;
};

class SqliteHistory final : public HistoryStore {
 public:
  explicit SqliteHistory(const std::string& path) : path_(path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw HistoryError(fmt::format("{}: cannot open the history database: {}", path, why));
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    try {
      exec("PRAGMA foreign_keys = ON");
      exec("PRAGMA journal_mode = WAL");
      exec("PRAGMA synchronous = NORMAL");  // durable at each checkpoint; WAL keeps it consistent always
      migrate();
    } catch (...) {
      sqlite3_close(db_);
      throw;
    }
  }
  ~SqliteHistory() override { sqlite3_close(db_); }

  int schema_version() override {
    Statement s(db_, "PRAGMA user_version", where());
    s.step();
    return static_cast<int>(s.integer(0));
  }

  AddOutcome add(const Run& run, const RunMeta& meta) override {
    Transaction tx(*this);
    AddOutcome out;
    out.machine = machine_of(run);
    {
      Statement existing(db_, "SELECT id FROM runs WHERE content_hash = ?", where());
      existing.bind(1, meta.content_hash);
      if (existing.step()) {
        out.run_id = existing.integer(0);
        return out;  // the transaction rolls back: nothing was written
      }
    }
    Statement(db_, "INSERT OR IGNORE INTO machines(name, cpu_model, num_cpus) VALUES (?, ?, ?)", where())
        .bind(1, out.machine)
        .bind(2, run.context_value("cpu_model"))
        .bind(3, run.context_value(context_key::num_cpus))
        .run();
    Statement insert_run(db_,
                         "INSERT INTO runs(machine_id, content_hash, source_path, run_date, commit_sha, branch, context) "
                         "VALUES ((SELECT id FROM machines WHERE name = ?), ?, ?, ?, ?, ?, ?)",
                         where());
    insert_run.bind(1, out.machine)
        .bind(2, meta.content_hash)
        .bind(3, meta.source_path)
        .bind(4, run.context_value(context_key::date))
        .bind(5, meta.commit)
        .bind(6, meta.branch)
        .bind(7, nlohmann::json(run.context).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    insert_run.run();
    out.run_id = sqlite3_last_insert_rowid(db_);
    Statement insert_result(db_,
                            "INSERT OR REPLACE INTO results(run_id, benchmark, metric, unit, higher_is_better, median, "
                            "n, cv) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            where());
    for (const Benchmark& b : run.benchmarks) {
      const Metric* m = b.error.empty() ? b.primary() : nullptr;
      if (m == nullptr) continue;
      insert_result.bind(1, out.run_id)
          .bind(2, b.key)
          .bind(3, m->name)
          .bind(4, m->unit)
          .bind(5, std::int64_t{m->better == Better::higher})
          .bind(6, m->center())
          .bind(7, static_cast<std::int64_t>(m->samples.empty() ? b.repetitions : m->samples.size()))
          .bind(8, m->cv())
          .run();
      ++out.results;
    }
    tx.commit();
    out.added = true;
    return out;
  }

  std::vector<HistoryPoint> points(const HistoryQuery& query) override {
    Statement s(db_,
                "SELECT r.id, m.name, r.run_date, r.commit_sha, r.branch, x.benchmark, x.metric, x.unit, "
                "x.higher_is_better, x.median, x.n, x.cv FROM results x JOIN runs r ON r.id = x.run_id "
                "JOIN machines m ON m.id = r.machine_id WHERE (?1 = '' OR m.name = ?1) AND (?2 = '' OR x.benchmark = ?2) "
                "ORDER BY r.id, x.rowid",
                where());
    s.bind(1, query.machine).bind(2, query.exact_benchmark);
    std::vector<HistoryPoint> out;
    while (s.step()) {
      HistoryPoint p;
      p.run_id = s.integer(0);
      p.machine = s.text(1);
      p.run_date = s.text(2);
      p.commit = s.text(3);
      p.branch = s.text(4);
      p.benchmark = s.text(5);
      if (query.benchmark && !std::regex_search(p.benchmark, *query.benchmark)) continue;
      p.metric = s.text(6);
      p.unit = s.text(7);
      p.better = s.integer(8) != 0 ? Better::higher : Better::lower;
      p.median = s.real(9);
      p.n = s.integer(10);
      p.cv = s.real(11);
      out.push_back(std::move(p));
    }
    return out;
  }

 private:
  // BEGIN IMMEDIATE takes the write lock up front, so two writers queue (busy timeout) instead of
  // deadlocking on a read-to-write upgrade.
  class Transaction {
   public:
    explicit Transaction(SqliteHistory& h) : h_(h) { h_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!done_) sqlite3_exec(h_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      h_.exec("COMMIT");
      done_ = true;
    }

   private:
    SqliteHistory& h_;
    bool done_ = false;
  };

  std::string where() const { return path_; }

  void exec(std::string_view sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string why = err != nullptr ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw HistoryError(fmt::format("{}: {}", path_, why));
    }
  }

  void migrate() {
    Transaction tx(*this);
    const int version = schema_version();
    const int latest = static_cast<int>(kMigrations.size());
    if (version > latest)
      throw HistoryError(fmt::format("{}: history schema version {} is newer than this armperf knows ({})", path_,
                                     version, latest));
    for (int v = version; v < latest; ++v) {
      exec(kMigrations[static_cast<std::size_t>(v)]);
      exec(fmt::format("PRAGMA user_version = {}", v + 1));
    }
    tx.commit();
  }

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<HistoryStore> open_sqlite_history(const std::string& path) {
  return std::make_unique<SqliteHistory>(path);
}

}  // namespace armperf::reports

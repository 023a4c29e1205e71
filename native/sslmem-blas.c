/*
 * sslmem-blas: a small Node-API binding to the system's CBLAS `sgemm`, for the wasm
 * backend's matrix products (src/backend/native/native-blas.ts).
 *
 * Operands are Float32Array views of the wasm heap passed with element offsets and leading
 * dimensions: the product reads and writes the heap in place, no copies. Every range a
 * call touches is checked against the view's length first (an out-of-range offset throws
 * a RangeError instead of writing outside the heap).
 *
 * Built by scripts/build-native.mjs with `cc -shared` (no node-gyp); Node-API symbols are
 * resolved from the running node. NAPI_MODULE_INIT makes the addon context-aware, so
 * worker threads can load it too. With OpenBLAS (SSLMEM_OPENBLAS defined), the library
 * runs the threads `setThreads` asks for and reports its version and core; at two threads, the
 * binding's own kernels share large calls with one helper thread (run_parts below).
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <math.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SSLMEM_X86_AVX2 1
#endif
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <node_api.h>
#include <cblas.h>

#ifdef SSLMEM_OPENBLAS
/* Declared by OpenBLAS's cblas.h; repeated in case another cblas.h is found first. */
extern void openblas_set_num_threads(int);
extern int openblas_get_num_threads(void);
extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);
#endif

#ifndef SSLMEM_BLAS_NAME
#define SSLMEM_BLAS_NAME "CBLAS"
#endif

#define CHECK(call)                                                     \
  do {                                                                  \
    if ((call) != napi_ok) {                                            \
      napi_throw_error(env, NULL, "sslmem-blas: Node-API call failed: " #call); \
      return NULL;                                                      \
    }                                                                   \
  } while (0)

static int throw_range(napi_env env, const char *what, int64_t need, size_t have) {
  char message[256];
  snprintf(message, sizeof message, "sslmem-blas: %s reaches element %lld of a heap view of %zu floats", what, (long long)need, have);
  napi_throw_range_error(env, NULL, message);
  return 0;
}

/* The float32 data of a Float32Array argument. */
static float *f32_arg(napi_env env, napi_value value, size_t *length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, "sslmem-blas: expected a Float32Array over the heap");
    return NULL;
  }
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "sslmem-blas: expected a Float32Array over the heap");
    return NULL;
  }
  if (data == NULL && *length > 0) {
    napi_throw_error(env, NULL, "sslmem-blas: the Float32Array has no data pointer");
    return NULL;
  }
  return (float *)data;
}

/* The int32 data of an Int32Array argument. */
static int32_t *i32_arg(napi_env env, napi_value value, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "sslmem-blas: expected an Int32Array of offsets");
    return NULL;
  }
  return (int32_t *)data;
}

/* The double data of a Float64Array argument (`what` names it in the error). */
static double *f64_arg(napi_env env, napi_value value, size_t *length, const char *what) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok || type != napi_float64_array) {
    char message[128];
    snprintf(message, sizeof message, "sslmem-blas: expected a Float64Array of %s", what);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  return (double *)data;
}

/* Whether a row-major operand of `rows` x `cols` at `off` with leading dimension `ld` fits in `length`. */
static int fits(napi_env env, const char *what, int64_t off, int64_t rows, int64_t cols, int64_t ld, size_t length) {
  if (rows == 0 || cols == 0) return 1;
  if (off < 0 || ld < cols) {
    char message[200];
    snprintf(message, sizeof message, "sslmem-blas: %s: offset %lld and leading dimension %lld (>= %lld columns expected)", what, (long long)off, (long long)ld, (long long)cols);
    napi_throw_range_error(env, NULL, message);
    return 0;
  }
  int64_t end = off + (rows - 1) * ld + cols;
  if (end > (int64_t)length) return throw_range(env, what, end, length);
  return 1;
}

/* Exactly `want` arguments of a call into argv; returns 0 with an exception pending when they are not that. */
static int args_call(napi_env env, napi_callback_info info, const char *name, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    napi_throw_error(env, NULL, "sslmem-blas: Node-API call failed: napi_get_cb_info");
    return 0;
  }
  if (argc != want) {
    char message[128];
    snprintf(message, sizeof message, "sslmem-blas: %s expects %zu arguments", name, want);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  return 1;
}

/* `count` integer arguments into out; returns 0 with an exception pending when one is not a number. */
static int int64_args(napi_env env, const napi_value *argv, size_t count, int64_t *out) {
  for (size_t i = 0; i < count; i++) {
    if (napi_get_value_int64(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "sslmem-blas: expected a number");
      return 0;
    }
  }
  return 1;
}

/*
 * The arguments of a call that takes the heap view first: exactly `want` of them into argv,
 * and the view's data and length. Returns 0 with an exception pending when they are not that.
 */
static int heap_call(napi_env env, napi_callback_info info, const char *name, size_t want, napi_value *argv, float **heap, size_t *length) {
  if (!args_call(env, info, name, want, argv)) return 0;
  *length = 0;
  *heap = f32_arg(env, argv[0], length);
  return !(*heap == NULL && *length > 0);
}

/* Declares argv (exactly `count` arguments), heap and length for a call that takes the heap view first; returns NULL when they are not that. */
#define HEAP_ARGS(name, count)                                           \
  napi_value argv[count];                                               \
  float *heap = NULL;                                                   \
  size_t length = 0;                                                    \
  if (!heap_call(env, info, name, count, argv, &heap, &length)) return NULL

/*
 * The second thread. Where the backend runs two threads (setThreads(2)), work made of parts
 * that are computed alone (each output written by one part, in the order one thread would
 * write it: the same bits however the parts are shared) is spread over the calling thread and
 * one helper thread. The helper lives as long as the process and is handed work through
 * atomic counters: on our machines waking a thread through a condition variable costs about
 * 80 us, and so does creating one, against well under 1 us for a handover to a thread that
 * spins. After its last part the helper spins (yielding to any other thread that wants the
 * core) for up to POOL_SPIN_NS, then sleeps until the next call wakes it. Parts are claimed one
 * at a time from a shared counter, so the caller never waits for a helper that is asleep or
 * late: it runs every part the helper has not claimed, and waits only for parts in progress.
 */
#ifndef POOL_SPIN_NS
#define POOL_SPIN_NS 2000000
#endif
/* A part [from, to) of a job; `worker` is 0 on the calling thread, 1 on the helper. */
typedef void (*part_fn)(const void *job, int64_t from, int64_t to, int worker);

static atomic_int pool_threads = 1;  /* threads in force (setThreads), 1 or 2 */
static atomic_flag pool_busy = ATOMIC_FLAG_INIT;  /* one caller at a time; others run alone */
static int pool_started = 0;  /* guarded by pool_busy */
static unsigned pool_calls = 0;  /* guarded by pool_busy */
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static atomic_uint pool_posted = 0;  /* the latest call's number */
static atomic_int pool_sleeping = 0;
/* The call's claim counter: its number (low 16 bits) << 40 | its part count << 32 | next part. */
static atomic_ullong pool_next = 0;
static atomic_llong pool_done = 0;
static struct {
  part_fn fn;
  const void *job;
  int64_t n, chunk;
} pool_task;

static inline void pool_relax(void) {
#ifdef SSLMEM_X86_AVX2
  _mm_pause();
#endif
}

static int64_t pool_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Claims and runs parts of call `call` until none is left. */
static void pool_run_parts(unsigned call, int worker) {
  for (;;) {
    unsigned long long v = atomic_load_explicit(&pool_next, memory_order_acquire);
    if ((unsigned)(v >> 40) != (call & 0xffffu)) return;
    const int64_t part = (int64_t)(v & 0xffffffffu), parts = (int64_t)((v >> 32) & 0xffu);
    if (part >= parts) return;
    if (!atomic_compare_exchange_weak_explicit(&pool_next, &v, v + 1, memory_order_acq_rel, memory_order_acquire)) continue;
    /* The part is ours: the call cannot end before it is done, so its task stays as read. */
    const int64_t from = part * pool_task.chunk;
    const int64_t to = from + pool_task.chunk < pool_task.n ? from + pool_task.chunk : pool_task.n;
    pool_task.fn(pool_task.job, from, to, worker);
    atomic_fetch_add_explicit(&pool_done, 1, memory_order_release);
  }
}

static void *pool_helper(void *unused) {
  (void)unused;
  unsigned seen = atomic_load(&pool_posted);
  for (;;) {
    unsigned call = seen;
    const int64_t since = pool_now_ns();
    for (unsigned i = 1;; i++) {
      call = atomic_load_explicit(&pool_posted, memory_order_acquire);
      if (call != seen) break;
      pool_relax();
      if ((i & 63) != 0) continue;
      if (pool_now_ns() - since < POOL_SPIN_NS) {
        sched_yield();
        continue;
      }
      pthread_mutex_lock(&pool_mutex);
      atomic_store(&pool_sleeping, 1);
      while ((call = atomic_load(&pool_posted)) == seen) pthread_cond_wait(&pool_wake, &pool_mutex);
      atomic_store(&pool_sleeping, 0);
      pthread_mutex_unlock(&pool_mutex);
      break;
    }
    seen = call;
    pool_run_parts(call, 1);
  }
  return NULL;
}

/*
 * The parts of `chunk` items of [0, n) (the last may be shorter) with fn: on this thread
 * alone when one thread is in force, when there is one part, or when another thread is using
 * the helper; else shared with the helper (at most 255 parts: larger ones where n needs it).
 */
static void run_parts(part_fn fn, const void *job, int64_t n, int64_t chunk) {
  if (chunk < 1) chunk = 1;
  if (n > 255 * chunk) chunk = (n + 254) / 255;
  const int64_t parts = n > 0 ? (n + chunk - 1) / chunk : 1;
  if (parts < 2 || atomic_load(&pool_threads) < 2 || atomic_flag_test_and_set(&pool_busy)) {
    fn(job, 0, n, 0);
    return;
  }
  if (!pool_started) {
    pthread_t helper;
    pthread_attr_t attr;
    int ok = pthread_attr_init(&attr) == 0;
    if (ok) {
      pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
      ok = pthread_create(&helper, &attr, pool_helper, NULL) == 0;
      pthread_attr_destroy(&attr);
    }
    if (!ok) {
      atomic_flag_clear(&pool_busy);
      fn(job, 0, n, 0);
      return;
    }
    pool_started = 1;
  }
  const unsigned call = ++pool_calls;
  pool_task.fn = fn, pool_task.job = job, pool_task.n = n, pool_task.chunk = chunk;
  atomic_store_explicit(&pool_done, 0, memory_order_relaxed);
  atomic_store_explicit(&pool_next, ((unsigned long long)(call & 0xffffu) << 40) | ((unsigned long long)parts << 32), memory_order_release);
  atomic_store(&pool_posted, call);
  if (atomic_load(&pool_sleeping)) {
    pthread_mutex_lock(&pool_mutex);
    pthread_cond_signal(&pool_wake);
    pthread_mutex_unlock(&pool_mutex);
  }
  pool_run_parts(call, 0);
  while (atomic_load_explicit(&pool_done, memory_order_acquire) < parts) pool_relax();
  atomic_flag_clear(&pool_busy);
}

/*
 * The part size for n items where two threads share them: about an eighth of n rounded up to
 * a multiple of `align`, at least `least` items (below that a part costs more to hand over
 * than it saves); n itself (one part) when one thread is in force.
 */
static int64_t part_size(int64_t n, int64_t least, int64_t align) {
  if (atomic_load_explicit(&pool_threads, memory_order_relaxed) < 2) return n > 0 ? n : 1;
  int64_t chunk = (n + 7) / 8;
  chunk = (chunk + align - 1) / align * align;
  return chunk < least ? least : chunk;
}

/*
 * sgemmBatch(heap, transA, transB, m, n, k, alpha, aOffsets, lda, bOffsets, ldb, beta, cOffsets, ldc)
 * For each i: C_i = alpha op(A_i) op(B_i) + beta C_i, row-major, all in `heap` at element
 * offsets aOffsets[i], bOffsets[i], cOffsets[i] (Int32Arrays of one length).
 */
typedef struct {
  float *heap;
  bool ta, tb;
  int64_t m, n, k;
  double alpha, beta;
  int64_t lda, ldb, ldc;
  const int32_t *ao, *bo, *co;
} SgemmJob;

/* Products [from, to) of a batch. */
static void sgemm_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  const SgemmJob *j = job;
  for (int64_t i = from; i < to; i++) {
    float *c = j->heap + j->co[i];
    if (j->k == 0) {
      /* BLAS leaves C untouched at k = 0 only when beta = 1; make it explicit. */
      for (int64_t r = 0; r < j->m; r++) {
        for (int64_t q = 0; q < j->n; q++) c[r * j->ldc + q] = j->beta == 0.0 ? 0.0f : (float)j->beta * c[r * j->ldc + q];
      }
      continue;
    }
    cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans,
                (int)j->m, (int)j->n, (int)j->k, (float)j->alpha, j->heap + j->ao[i], (int)j->lda, j->heap + j->bo[i], (int)j->ldb,
                (float)j->beta, c, (int)j->ldc);
  }
}

static napi_value sgemm_batch(napi_env env, napi_callback_info info) {
  HEAP_ARGS("sgemmBatch", 14);
  size_t na = 0, nb = 0, nc = 0;
  bool ta = false, tb = false;
  CHECK(napi_get_value_bool(env, argv[1], &ta));
  CHECK(napi_get_value_bool(env, argv[2], &tb));
  int64_t m, n, k, lda, ldb, ldc;
  double alpha, beta;
  CHECK(napi_get_value_int64(env, argv[3], &m));
  CHECK(napi_get_value_int64(env, argv[4], &n));
  CHECK(napi_get_value_int64(env, argv[5], &k));
  CHECK(napi_get_value_double(env, argv[6], &alpha));
  CHECK(napi_get_value_int64(env, argv[8], &lda));
  CHECK(napi_get_value_int64(env, argv[10], &ldb));
  CHECK(napi_get_value_double(env, argv[11], &beta));
  CHECK(napi_get_value_int64(env, argv[13], &ldc));
  int32_t *ao = i32_arg(env, argv[7], &na);
  if (ao == NULL && na > 0) return NULL;
  int32_t *bo = i32_arg(env, argv[9], &nb);
  if (bo == NULL && nb > 0) return NULL;
  int32_t *co = i32_arg(env, argv[12], &nc);
  if (co == NULL && nc > 0) return NULL;
  if (na != nb || na != nc) {
    napi_throw_range_error(env, NULL, "sslmem-blas: sgemmBatch: the three offset arrays differ in length");
    return NULL;
  }
  if (m < 0 || n < 0 || k < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    napi_throw_range_error(env, NULL, "sslmem-blas: sgemmBatch: m, n, k must be int32 >= 0");
    return NULL;
  }
  /* Every range first: nothing is written unless all calls fit. */
  for (size_t i = 0; i < na; i++) {
    if (!fits(env, "A", ao[i], ta ? k : m, ta ? m : k, lda, length)) return NULL;
    if (!fits(env, "B", bo[i], tb ? n : k, tb ? k : n, ldb, length)) return NULL;
    if (!fits(env, "C", co[i], m, n, ldc, length)) return NULL;
  }
  if (m == 0 || n == 0) return NULL;
  const SgemmJob job = {heap, ta, tb, m, n, k, alpha, beta, lda, ldb, ldc, ao, bo, co};
  /* A batch of small products (OpenBLAS runs each on one thread below 4 x 65536 multiply-adds)
     is shared between this thread and the helper, each product on one BLAS thread: the same
     bits, as each product is computed whole by one thread either way. */
  int small = na >= 2 && m * n * k <= 4 * 65536 && atomic_load(&pool_threads) >= 2;
#ifdef SSLMEM_OPENBLAS
  const int threads = openblas_get_num_threads();
  if (small && threads > 1) openblas_set_num_threads(1);
#endif
  if (small) run_parts(sgemm_part, &job, (int64_t)na, part_size((int64_t)na, 1, 1));
  else sgemm_part(&job, 0, (int64_t)na, 0);
#ifdef SSLMEM_OPENBLAS
  if (small && threads > 1) openblas_set_num_threads(threads);
#endif
  return NULL;
}

/* A convGrid call (see below); scratch[w] is worker w's im2row matrix. */
typedef struct {
  const float *grid;
  float *w, *io, *scratch[2];
  int64_t cs, ci, wp, kh, kw, K, co, cells, chunk;
  bool grad;
} ConvChunks;

/* Chunks [from, to) of a convGrid call, in order, on worker `worker`'s scratch. */
static void conv_chunks(const void *data, int64_t from, int64_t to, int worker) {
  const ConvChunks *job = data;
  float *scratch = job->scratch[worker];
  const int64_t K = job->K, co = job->co, ci = job->ci, cs = job->cs, kw = job->kw;
  const size_t row = (size_t)kw * (size_t)ci;
  for (int64_t q0 = from * job->chunk; q0 < job->cells && q0 < to * job->chunk; q0 += job->chunk) {
    int64_t rows = job->cells - q0 < job->chunk ? job->cells - q0 : job->chunk;
    for (int64_t r = 0; r < rows; r++) {
      float *dst = scratch + r * K;
      for (int64_t a = 0; a < job->kh; a++) {
        const float *src = job->grid + (q0 + r + a * job->wp) * cs;
        if (cs == ci) {
          memcpy(dst + a * row, src, row * sizeof(float));
        } else {
          for (int64_t e = 0; e < kw; e++) memcpy(dst + (a * kw + e) * ci, src + e * cs, (size_t)ci * sizeof(float));
        }
      }
    }
    if (job->grad) {
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)co, (int)rows, 1.0f, scratch, (int)K,
                  job->io + q0 * co, (int)co, q0 == 0 ? 0.0f : 1.0f, job->w, (int)co);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)co, (int)K, 1.0f, scratch, (int)K,
                  job->w, (int)co, 0.0f, job->io + q0 * co, (int)co);
    }
  }
}

/*
 * convGrid(heap, filterGrad, gridAt, cellStride, ci, wp, kh, kw, cells, filterAt, co, ioAt, scratchAt, chunk)
 * A stride-1 convolution on a zero-padded pixel grid (src/backend/wasm-kernels/conv-gemm.ts):
 * tap (a, e) of cell q is grid cell q + a*wp + e, each cell `cellStride` floats apart with
 * its `ci` channels first. Chunk after chunk of `chunk` cells, the chunk's im2row matrix
 * [rows, kh*kw*ci] (columns in filter order: (a*kw + e)*ci + c) is written at `scratchAt`, then
 *   forward (filterGrad false): io[cells, co] = im2row x W[kh*kw*ci, co]   (one sgemm a chunk)
 *   filter gradient (true):     W[kh*kw*ci, co] = sum over chunks of im2row^T x io[chunk rows]
 * so every product has the whole reduction kh*kw*ci (forward) or a chunk of cells (gradient).
 */
static napi_value conv_grid(napi_env env, napi_callback_info info) {
  HEAP_ARGS("convGrid", 14);
  bool grad = false;
  CHECK(napi_get_value_bool(env, argv[1], &grad));
  int64_t v[12];
  for (int i = 0; i < 12; i++) CHECK(napi_get_value_int64(env, argv[i + 2], &v[i]));
  int64_t gridAt = v[0], cs = v[1], ci = v[2], wp = v[3], kh = v[4], kw = v[5], cells = v[6], filterAt = v[7], co = v[8], ioAt = v[9], scratchAt = v[10], chunk = v[11];
  if (ci < 1 || cs < ci || wp < kw || kh < 1 || kw < 1 || cells < 0 || co < 1 || chunk < 1 || kh * kw * ci > INT32_MAX || cells > INT32_MAX || co > INT32_MAX) {
    napi_throw_range_error(env, NULL, "sslmem-blas: convGrid: sizes out of range (ci >= 1, cellStride >= ci, wp >= kw, kh, kw, co, chunk >= 1)");
    return NULL;
  }
  if (cells == 0) return NULL;
  int64_t K = kh * kw * ci;
  if (chunk > cells) chunk = cells;
  /* Every range first: nothing is written unless all fit. */
  if (!fits(env, "grid", gridAt, (cells - 1) + (kh - 1) * wp + kw, cs, cs, length)) return NULL;
  if (!fits(env, "filter", filterAt, K, co, co, length)) return NULL;
  if (!fits(env, "io", ioAt, cells, co, co, length)) return NULL;
  if (!fits(env, "scratch", scratchAt, chunk, K, K, length)) return NULL;
  ConvChunks job = {heap + gridAt, heap + filterAt, heap + ioAt, {heap + scratchAt, NULL}, cs, ci, wp, kh, kw, K, co, cells, chunk, grad};
  const int64_t chunks = (cells + chunk - 1) / chunk;
  /* A chunk's product is small (a few hundred rows): a second BLAS thread in it costs more than
     it gives (measured: CNN steps up to twice as slow), so each product runs on one BLAS thread,
     and where two threads are in force the forward products' chunks are shared with the helper
     thread (each chunk writes its own rows of io: the same bits as one thread), the helper on
     scratch of its own. The filter gradient adds chunk after chunk into W and stays here. */
  int shared = !grad && chunks > 1 && atomic_load(&pool_threads) >= 2 && (job.scratch[1] = malloc((size_t)(chunk * K) * sizeof(float))) != NULL;
#ifdef SSLMEM_OPENBLAS
  const int threads = openblas_get_num_threads();
  if (threads > 1) openblas_set_num_threads(1);
#endif
  if (shared) run_parts(conv_chunks, &job, chunks, part_size(chunks, 1, 1));
  else conv_chunks(&job, 0, chunks, 0);
  free(job.scratch[1]);
#ifdef SSLMEM_OPENBLAS
  if (threads > 1) openblas_set_num_threads(threads);
#endif
  return NULL;
}

/*
 * batchNorm(heap, op, n, c, epsilon, at): training-mode batch norm of rows x [n, c] (channels
 * last), sums in double. `at` (Int32Array) holds element offsets into `heap`:
 *   op 0, statistics: at = [x, mean, variance]; mean and biased variance per channel.
 *   op 1, forward:    at = [x, mean, variance, gamma, beta, y];
 *                     y = (x - mean) * gamma / sqrt(variance + epsilon) + beta.
 *   op 2, gradient:   at = [x, mean, variance, gamma, dy, dx, dgamma, dbeta]; with
 *                     xc = x - mean, s = 1 / sqrt(variance + epsilon): dbeta = sum(dy),
 *                     dgamma = s sum(dy xc), dx = gamma s (dy - dbeta / n - xc s^2 sum(dy xc) / n).
 */
static napi_value batch_norm(napi_env env, napi_callback_info info) {
  HEAP_ARGS("batchNorm", 6);
  size_t na = 0;
  int32_t op = 0;
  int64_t n = 0, c = 0;
  double eps = 0;
  CHECK(napi_get_value_int32(env, argv[1], &op));
  CHECK(napi_get_value_int64(env, argv[2], &n));
  CHECK(napi_get_value_int64(env, argv[3], &c));
  CHECK(napi_get_value_double(env, argv[4], &eps));
  int32_t *at = i32_arg(env, argv[5], &na);
  if (at == NULL && na > 0) return NULL;
  size_t want = op == 0 ? 3 : op == 1 ? 6 : op == 2 ? 8 : 0;
  if (want == 0 || na != want || n < 1 || c < 1 || n > INT32_MAX || c > INT32_MAX) {
    napi_throw_range_error(env, NULL, "sslmem-blas: batchNorm: op 0, 1 or 2 with 3, 6 or 8 offsets, n >= 1, c >= 1");
    return NULL;
  }
  /* Every range first: rows [n, c] for x, y, dy, dx; [c] for the rest. */
  static const int full[3][8] = {{1, 0, 0}, {1, 0, 0, 0, 0, 1}, {1, 0, 0, 0, 1, 1, 0, 0}};
  for (size_t i = 0; i < na; i++) {
    if (!fits(env, "batchNorm operand", at[i], full[op][i] ? n : 1, c, c, length)) return NULL;
  }
  const float *x = heap + at[0];
  double *a = calloc((size_t)c * 2, sizeof(double));
  if (a == NULL) {
    napi_throw_error(env, NULL, "sslmem-blas: batchNorm: out of memory");
    return NULL;
  }
  double *b = a + c;
  if (op == 0) {
    float *mean = heap + at[1], *var = heap + at[2];
    for (int64_t r = 0; r < n; r++) {
      const float *row = x + r * c;
      for (int64_t j = 0; j < c; j++) a[j] += row[j];
    }
    for (int64_t j = 0; j < c; j++) a[j] /= (double)n;
    for (int64_t r = 0; r < n; r++) {
      const float *row = x + r * c;
      for (int64_t j = 0; j < c; j++) {
        double d = row[j] - a[j];
        b[j] += d * d;
      }
    }
    for (int64_t j = 0; j < c; j++) {
      mean[j] = (float)a[j];
      var[j] = (float)(b[j] / (double)n);
    }
  } else if (op == 1) {
    const float *mean = heap + at[1], *var = heap + at[2], *gamma = heap + at[3], *beta = heap + at[4];
    float *y = heap + at[5];
    float *scale = (float *)a, *shift = scale + c;
    for (int64_t j = 0; j < c; j++) {
      double sc = gamma[j] / sqrt((double)var[j] + eps);
      scale[j] = (float)sc;
      shift[j] = (float)(beta[j] - mean[j] * sc);
    }
    for (int64_t r = 0; r < n; r++) {
      const float *row = x + r * c;
      float *out = y + r * c;
      for (int64_t j = 0; j < c; j++) out[j] = row[j] * scale[j] + shift[j];
    }
  } else {
    const float *mean = heap + at[1], *var = heap + at[2], *gamma = heap + at[3], *dy = heap + at[4];
    float *dx = heap + at[5], *dgamma = heap + at[6], *dbeta = heap + at[7];
    for (int64_t r = 0; r < n; r++) {
      const float *row = x + r * c, *g = dy + r * c;
      for (int64_t j = 0; j < c; j++) {
        a[j] += g[j];
        b[j] += (double)g[j] * ((double)row[j] - mean[j]);
      }
    }
    float *k1 = malloc((size_t)c * 3 * sizeof(float));
    if (k1 == NULL) {
      free(a);
      napi_throw_error(env, NULL, "sslmem-blas: batchNorm: out of memory");
      return NULL;
    }
    float *k2 = k1 + c, *k3 = k2 + c;
    for (int64_t j = 0; j < c; j++) {
      double sd = 1.0 / sqrt((double)var[j] + eps);
      dbeta[j] = (float)a[j];
      dgamma[j] = (float)(sd * b[j]);
      /* dx = k1 dy + k2 x + k3, with k1 = gamma s, k2 = -gamma s^3 sum(dy xc) / n,
         k3 = -gamma s (sum(dy) / n) - k2 mean. */
      double g1 = gamma[j] * sd;
      double g2 = -g1 * sd * sd * b[j] / (double)n;
      k1[j] = (float)g1;
      k2[j] = (float)g2;
      k3[j] = (float)(-g1 * a[j] / (double)n - g2 * mean[j]);
    }
    for (int64_t r = 0; r < n; r++) {
      const float *row = x + r * c, *g = dy + r * c;
      float *out = dx + r * c;
      for (int64_t j = 0; j < c; j++) out[j] = k1[j] * g[j] + k2[j] * row[j] + k3[j];
    }
    free(k1);
  }
  free(a);
  return NULL;
}

typedef struct {
  const uint32_t *src;
  uint32_t *dst;
  const int32_t *dims, *strides;
  size_t nd;
} CopyJob;

/* Rows [from, to) of a strided copy (a row: one index of every axis but the last). */
static void copy_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  const CopyJob *j = job;
  const size_t nd = j->nd;
  const int64_t inner = j->dims[nd - 1], innerStride = j->strides[nd - 1];
  int64_t counter[16] = {0};
  int64_t s = 0;
  for (int64_t d = (int64_t)nd - 2, rest = from; d >= 0; d--) {
    counter[d] = rest % j->dims[d];
    rest /= j->dims[d];
    s += counter[d] * j->strides[d];
  }
  const uint32_t *src = j->src;
  uint32_t *dst = j->dst + from * inner;
  for (int64_t row = from; row < to; row++) {
    if (innerStride == 1) memcpy(dst, src + s, (size_t)inner * sizeof(uint32_t));
    else for (int64_t k = 0; k < inner; k++) dst[k] = src[s + k * innerStride];
    dst += inner;
    for (int64_t d = (int64_t)nd - 2; d >= 0; d--) {
      s += j->strides[d];
      if (++counter[d] < j->dims[d]) break;
      s -= (int64_t)j->strides[d] * j->dims[d];
      counter[d] = 0;
    }
  }
}

/*
 * stridedCopy(heap, srcAt, dstAt, dims, srcStrides): for every index vector i of `dims`
 * (row-major), dst[dstAt + flat(i)] = src[srcAt + sum_d i[d] srcStrides[d]], on 4-byte
 * elements of `heap` copied as bits. Strides >= 0, at most 16 axes; the innermost axis with
 * stride 1 is copied by memcpy runs.
 */
static napi_value strided_copy(napi_env env, napi_callback_info info) {
  HEAP_ARGS("stridedCopy", 5);
  size_t nd = 0, ns = 0;
  int64_t srcAt = 0, dstAt = 0;
  CHECK(napi_get_value_int64(env, argv[1], &srcAt));
  CHECK(napi_get_value_int64(env, argv[2], &dstAt));
  int32_t *dims = i32_arg(env, argv[3], &nd);
  if (dims == NULL && nd > 0) return NULL;
  int32_t *strides = i32_arg(env, argv[4], &ns);
  if (strides == NULL && ns > 0) return NULL;
  if (nd != ns || nd < 1 || nd > 16) {
    napi_throw_range_error(env, NULL, "sslmem-blas: stridedCopy: dims and strides of one length, 1 to 16 axes");
    return NULL;
  }
  int64_t total = 1, last = srcAt;
  for (size_t d = 0; d < nd; d++) {
    if (dims[d] < 0 || strides[d] < 0) {
      napi_throw_range_error(env, NULL, "sslmem-blas: stridedCopy: dims and strides must be >= 0");
      return NULL;
    }
    total *= dims[d];
    if (dims[d] > 0) last += (int64_t)(dims[d] - 1) * strides[d];
  }
  if (total == 0) return NULL;
  if (srcAt < 0 || last >= (int64_t)length) return throw_range(env, "stridedCopy source", last + 1, length), NULL;
  if (dstAt < 0 || dstAt + total > (int64_t)length) return throw_range(env, "stridedCopy destination", dstAt + total, length), NULL;
  const CopyJob job = {(const uint32_t *)heap + srcAt, (uint32_t *)heap + dstAt, dims, strides, nd};
  const int64_t inner = dims[nd - 1], rows = total / inner;
  run_parts(copy_part, &job, rows, part_size(rows, (32768 + inner - 1) / inner, 1));
  return NULL;
}

/*
 * The exact GELU of our WebAssembly SIMD kernel (src/backend/simd/gelu-simd.ts), the same
 * float32 operations in the same order, so that every result is the same bits: rounding is
 * per operation (IEEE), whatever the vector width, as long as no multiply and add are fused
 * (built with -ffp-contract=off). With x^2 / 2 clamped at 87: exp(-x^2 / 2) as 2^n e^r, a
 * degree-6 Taylor polynomial, flushed to 0 where x^2 / 2 > 50; Phi from Abramowitz & Stegun
 * 7.1.26 with t = 1 / (1 + p |x| / sqrt 2). The constants are the kernel's float32 ones.
 */
#define GELU_LOG2E ((float)1.4426950408889634)
#define GELU_LN2_HI ((float)0.693359375)
#define GELU_LN2_LO ((float)-2.12194440e-4)
#define GELU_P ((float)(0.3275911 * 0.7071067811865476))
#define GELU_INV_SQRT_2PI ((float)(1.0 / sqrt(2.0 * 3.141592653589793)))

static inline float gelu_phi(float x, float *gauss) {
  float y = x * x * -0.5f;
  y = y < -87.0f ? -87.0f : y; /* f32x4.max(y, -87): NaN stays NaN */
  float n = nearbyintf(y * GELU_LOG2E);
  float r = (y - n * GELU_LN2_HI) - n * GELU_LN2_LO;
  float p = (float)(1.0 / 720);
  p = p * r + (float)(1.0 / 120);
  p = p * r + (float)(1.0 / 24);
  p = p * r + (float)(1.0 / 6);
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t bits = ((int32_t)(n == n ? n : 0.0f) + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  float e = x * x * -0.5f >= -50.0f ? p * scale : 0.0f;
  float t = 1.0f / (1.0f + fabsf(x) * GELU_P);
  float q = (float)1.061405429;
  q = q * t + (float)-1.453152027;
  q = q * t + (float)1.421413741;
  q = q * t + (float)-0.284496736;
  q = q * t + (float)0.254829592;
  q = q * t * e * 0.5f;
  *gauss = e;
  return x < 0.0f ? q : 1.0f - q;
}

/* Loops whose results do not depend on the vector width, built for AVX-512, AVX2 and the baseline. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

VECTOR_CLONES static void gelu_forward(const float *restrict x, float *restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    float e;
    out[i] = x[i] * gelu_phi(x[i], &e);
  }
}

VECTOR_CLONES static void gelu_gradient(const float *restrict x, const float *restrict dy, float *restrict dx, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    float e;
    float phi = gelu_phi(x[i], &e);
    dx[i] = (phi + x[i] * e * GELU_INV_SQRT_2PI) * dy[i];
  }
}

/*
 * The exponential of the WebAssembly backend's Exp kernel, the same bits for every float:
 * exp(x) = 2^(k/32) 2^(r/32) with z = x 32/ln 2 in double, k = z rounded to an integer
 * (adding and subtracting 1.5 2^52), r = z - k in [-1/2, 1/2]; 2^(k/32) from a table of
 * 2^(i/32) (i = k mod 32) with k div 32 added to its exponent bits; 2^(r/32) by a cubic;
 * the double product rounded once to float. Every double operation is the kernel's, in
 * its order (no fused multiply-add: built with -ffp-contract=off); the whole float range
 * checked against the kernel: scripts/check-exp-bits.mjs, all 2^32 values).
 */
/* 2^(i/32) rounded to double, minus i << 47 (k's low bits are added back with its exponent). */
static const uint64_t EXPF_TABLE[32] = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51,
    0x3fef72b83c7d517b, 0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1,
    0x3fef06fe0a31b715, 0x3feef1a7373aa9cb, 0x3feedea64c123422, 0x3feece086061892d,
    0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429, 0x3feea47eb03a5585,
    0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d,
    0x3feee89f995ad3ad, 0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069,
    0x3fef5818dcfba487, 0x3fef7c97337b9b5f, 0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
};
#define EXPF_SCALE 0x1.71547652b82fep+5 /* 32 / ln 2 */
#define EXPF_SHIFT 0x1.8p+52
#define EXPF_C0 0x1.c6af84b912394p-20
#define EXPF_C1 0x1.ebfce50fac4f3p-13
#define EXPF_C2 0x1.62e42ff0c52d6p-6
/* The exponent bits (sign masked) from which a float takes the checked path: those of 88. */
#define EXPF_TOP_CHECKED 0x42bu

static inline float expf_core(float x) {
  const double z = EXPF_SCALE * (double)x;
  const double kd = z + EXPF_SHIFT;
  uint64_t ki;
  memcpy(&ki, &kd, sizeof ki);
  const double r = z - (kd - EXPF_SHIFT);
  const uint64_t t = EXPF_TABLE[ki & 31] + (ki << 47);
  double s;
  memcpy(&s, &t, sizeof s);
  const double y = (EXPF_C0 * r + EXPF_C1) * (r * r) + (EXPF_C2 * r + 1.0);
  return (float)(y * s);
}

static inline float exp_kernel(float x) {
  uint32_t bits;
  memcpy(&bits, &x, sizeof bits);
  const uint32_t abstop = (bits >> 20) & 0x7ffu;
  if (abstop >= EXPF_TOP_CHECKED) {
    if (bits == 0xff800000u) return 0.0f; /* -inf */
    if (abstop >= 0x7f8u) return x + x; /* NaN, +inf */
    if (x > 0x1.62e42ep+6f) return INFINITY;
    if (x < -0x1.9fe368p+6f) return 0.0f;
  }
  return expf_core(x);
}

static void exp_scalar(const float *x, float *out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = exp_kernel(x[i]);
}

#if defined(__x86_64__) && defined(__GNUC__)
/* Four lanes of expf_core: the same double operations, the table read by a gather. */
__attribute__((target("avx2")))
static inline __m128 expf_core4(__m128 x) {
  const __m256d z = _mm256_mul_pd(_mm256_set1_pd(EXPF_SCALE), _mm256_cvtps_pd(x));
  const __m256d kd = _mm256_add_pd(z, _mm256_set1_pd(EXPF_SHIFT));
  const __m256i ki = _mm256_castpd_si256(kd);
  const __m256d r = _mm256_sub_pd(z, _mm256_sub_pd(kd, _mm256_set1_pd(EXPF_SHIFT)));
  const __m256i low = _mm256_and_si256(ki, _mm256_set1_epi64x(31));
  const __m256i t = _mm256_add_epi64(_mm256_i64gather_epi64((const long long *)EXPF_TABLE, low, 8), _mm256_slli_epi64(ki, 47));
  const __m256d p = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(EXPF_C0), r), _mm256_set1_pd(EXPF_C1));
  const __m256d q = _mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(EXPF_C2), r), _mm256_set1_pd(1.0));
  const __m256d y = _mm256_add_pd(_mm256_mul_pd(p, _mm256_mul_pd(r, r)), q);
  return _mm256_cvtpd_ps(_mm256_mul_pd(y, _mm256_castsi256_pd(t)));
}

/* Eight floats at a time; a block with a value on the checked path goes element by element. */
__attribute__((target("avx2")))
static void exp_avx2(const float *x, float *out, int64_t n) {
  const __m256i top = _mm256_set1_epi32((int)EXPF_TOP_CHECKED);
  const __m256i mask = _mm256_set1_epi32(0x7ff);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256i abstop = _mm256_and_si256(_mm256_srli_epi32(_mm256_castps_si256(v), 20), mask);
    if (!_mm256_testz_si256(_mm256_cmpgt_epi32(abstop, _mm256_sub_epi32(top, _mm256_set1_epi32(1))), _mm256_set1_epi32(-1))) {
      exp_scalar(x + i, out + i, 8);
      continue;
    }
    _mm_storeu_ps(out + i, expf_core4(_mm256_castps256_ps128(v)));
    _mm_storeu_ps(out + i + 4, expf_core4(_mm256_extractf128_ps(v, 1)));
  }
  exp_scalar(x + i, out + i, n - i);
}
#endif

typedef struct {
  const float *x;
  float *out;
} ExpJob;

static void exp_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  const ExpJob *j = job;
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx2")) {
    exp_avx2(j->x + from, j->out + from, to - from);
    return;
  }
#endif
  exp_scalar(j->x + from, j->out + from, to - from);
}

/* exp(heap, n, xAt, outAt): out = the Exp kernel's exp of x, n floats each (same or disjoint ranges). */
static napi_value exp_call(napi_env env, napi_callback_info info) {
  HEAP_ARGS("exp", 4);
  int64_t nums[3] = {0, 0, 0};
  if (!int64_args(env, argv + 1, 3, nums)) return NULL;
  const int64_t n = nums[0], xAt = nums[1], outAt = nums[2];
  if (n < 0) {
    napi_throw_range_error(env, NULL, "sslmem-blas: exp: n >= 0");
    return NULL;
  }
  if (!fits(env, "exp input", xAt, 1, n, n, length) || !fits(env, "exp output", outAt, 1, n, n, length)) return NULL;
  if (n == 0) return NULL;
  if (xAt != outAt && xAt < outAt + n && outAt < xAt + n) {
    napi_throw_range_error(env, NULL, "sslmem-blas: exp: the input and output ranges overlap without being the same");
    return NULL;
  }
  const ExpJob job = {heap + xAt, heap + outAt};
  run_parts(exp_part, &job, n, part_size(n, 16384, 64));
  return NULL;
}

/* out = t m + o c in float32, each product and the sum rounded as the Multiply and Add kernels round them. */
VECTOR_CLONES static void ema_values(const float *restrict t, const float *restrict o, float *restrict out, int64_t n, float m, float c) {
  for (int64_t i = 0; i < n; i++) out[i] = t[i] * m + o[i] * c;
}

typedef struct {
  float *heap;
  const int32_t *sizes, *at;
  size_t count;
  float momentum, complement;
} EmaJob;

/* Elements [from, to) of all variables one after another. */
static void ema_part(const void *data, int64_t from, int64_t to, int worker) {
  (void)worker;
  const EmaJob *j = data;
  int64_t start = 0;
  for (size_t v = 0; v < j->count && start < to; start += j->sizes[v], v++) {
    const int64_t a = from > start ? from - start : 0, b = to - start < j->sizes[v] ? to - start : j->sizes[v];
    if (a >= b) continue;
    ema_values(j->heap + j->at[3 * v] + a, j->heap + j->at[3 * v + 1] + a, j->heap + j->at[3 * v + 2] + a, b - a, j->momentum, j->complement);
  }
}

/*
 * ema(heap, momentum, complement, sizes, at): for each variable v (sizes[v] floats),
 * at[3v .. 3v + 2] = [target, online, out] element offsets: out = target momentum + online
 * complement, with momentum and complement the float32 scalars of the ops (momentum and
 * 1 - momentum, each rounded to float32 by the caller). Every range is checked first.
 */
static napi_value ema(napi_env env, napi_callback_info info) {
  HEAP_ARGS("ema", 5);
  double momentum = 0, complement = 0;
  CHECK(napi_get_value_double(env, argv[1], &momentum));
  CHECK(napi_get_value_double(env, argv[2], &complement));
  size_t nsizes = 0, nat = 0;
  int32_t *sizes = i32_arg(env, argv[3], &nsizes);
  if (sizes == NULL && nsizes > 0) return NULL;
  int32_t *at = i32_arg(env, argv[4], &nat);
  if (at == NULL && nat > 0) return NULL;
  if (nat != 3 * nsizes || (float)momentum != momentum || (float)complement != complement) {
    napi_throw_range_error(env, NULL, "sslmem-blas: ema: three offsets per size, momentum and complement float32 values");
    return NULL;
  }
  for (size_t v = 0; v < nsizes; v++) {
    if (sizes[v] < 0) {
      napi_throw_range_error(env, NULL, "sslmem-blas: ema: sizes >= 0");
      return NULL;
    }
    for (int j = 0; j < 3; j++) {
      if (!fits(env, "ema operand", at[3 * v + j], 1, sizes[v], sizes[v], length)) return NULL;
    }
  }
  int64_t total = 0;
  for (size_t v = 0; v < nsizes; v++) total += sizes[v];
  const EmaJob job = {heap, sizes, at, nsizes, (float)momentum, (float)complement};
  run_parts(ema_part, &job, total, part_size(total, 32768, 64));
  return NULL;
}

/*
 * Adam's update in float32, operation for operation as the SIMD module's `adam` function
 * (src/backend/simd/adam-simd.ts) computes it four lanes at a time: g = grad + l2 p;
 * m' = b1 m + c1 g; v' = b2 v + (c2 g) g; p' = p shrink - (step m') / (sqrt(v' vScale) + eps).
 * Every operation is one IEEE float32 operation in that order (no contraction), so the bits
 * are those of the SIMD function's lanes. All four inputs of a block are read before its
 * three outputs are written, so an output may be its input's own range.
 */
typedef struct {
  const float *p, *g, *m, *v;
  float *op, *om, *ov;
  float s[9]; /* beta1, 1 - beta1, beta2, 1 - beta2, step, vScale, epsilon, shrink, l2 */
} AdamJob;

static void adam_scalar(const AdamJob *j, int64_t from, int64_t to) {
  const float b1 = j->s[0], c1 = j->s[1], b2 = j->s[2], c2 = j->s[3], step = j->s[4], vs = j->s[5], eps = j->s[6], shrink = j->s[7], l2 = j->s[8];
  for (int64_t i = from; i < to; i++) {
    const float p = j->p[i];
    const float g = j->g[i] + l2 * p;
    const float m = j->m[i] * b1 + c1 * g;
    const float v = j->v[i] * b2 + (c2 * g) * g;
    j->om[i] = m;
    j->ov[i] = v;
    j->op[i] = p * shrink - (step * m) / (__builtin_sqrtf(v * vs) + eps);
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2")))
static void adam_avx2(const AdamJob *j, int64_t from, int64_t to) {
  const __m256 b1 = _mm256_set1_ps(j->s[0]), c1 = _mm256_set1_ps(j->s[1]), b2 = _mm256_set1_ps(j->s[2]), c2 = _mm256_set1_ps(j->s[3]);
  const __m256 step = _mm256_set1_ps(j->s[4]), vs = _mm256_set1_ps(j->s[5]), eps = _mm256_set1_ps(j->s[6]), shrink = _mm256_set1_ps(j->s[7]), l2 = _mm256_set1_ps(j->s[8]);
  int64_t i = from;
  for (; i + 8 <= to; i += 8) {
    const __m256 p = _mm256_loadu_ps(j->p + i);
    const __m256 g = _mm256_add_ps(_mm256_loadu_ps(j->g + i), _mm256_mul_ps(l2, p));
    const __m256 m = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(j->m + i), b1), _mm256_mul_ps(c1, g));
    const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(j->v + i), b2), _mm256_mul_ps(_mm256_mul_ps(c2, g), g));
    const __m256 den = _mm256_add_ps(_mm256_sqrt_ps(_mm256_mul_ps(v, vs)), eps);
    _mm256_storeu_ps(j->om + i, m);
    _mm256_storeu_ps(j->ov + i, v);
    _mm256_storeu_ps(j->op + i, _mm256_sub_ps(_mm256_mul_ps(p, shrink), _mm256_div_ps(_mm256_mul_ps(step, m), den)));
  }
  adam_scalar(j, i, to);
}
#endif

static void adam_range(const AdamJob *j, int64_t from, int64_t to) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx2")) {
    adam_avx2(j, from, to);
    return;
  }
#endif
  adam_scalar(j, from, to);
}

static void adam_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  adam_range(job, from, to);
}

/*
 * adam(heap, n, at, scalars): at (Int32Array) = [param, grad, m, v, outParam, outM, outV]
 * element offsets, n floats each; scalars (Float64Array, float32 values) = [beta1, 1 - beta1,
 * beta2, 1 - beta2, step, vScale, epsilon, shrink, l2] as `AdamSimd` takes them. Ranges are
 * the same or disjoint; every range is checked first.
 */
static napi_value adam(napi_env env, napi_callback_info info) {
  HEAP_ARGS("adam", 4);
  int64_t n = 0;
  if (!int64_args(env, argv + 1, 1, &n)) return NULL;
  size_t nat = 0, ns = 0;
  int32_t *at = i32_arg(env, argv[2], &nat);
  if (at == NULL && nat > 0) return NULL;
  double *s = f64_arg(env, argv[3], &ns, "Adam's scalars");
  if (s == NULL && ns > 0) return NULL;
  if (n < 0 || nat != 7 || ns != 9) {
    napi_throw_range_error(env, NULL, "sslmem-blas: adam: n >= 0, 7 offsets and 9 scalars");
    return NULL;
  }
  AdamJob job = {0};
  for (int k = 0; k < 9; k++) {
    if ((double)(float)s[k] != s[k]) {
      napi_throw_range_error(env, NULL, "sslmem-blas: adam: the scalars must be float32 values");
      return NULL;
    }
    job.s[k] = (float)s[k];
  }
  for (int k = 0; k < 7; k++) {
    if (!fits(env, "adam operand", at[k], 1, n, n, length)) return NULL;
    for (int q = 0; q < k; q++) {
      if (n > 0 && at[k] != at[q] && at[k] < at[q] + n && at[q] < at[k] + n) {
        napi_throw_range_error(env, NULL, "sslmem-blas: adam: two ranges overlap without being the same");
        return NULL;
      }
    }
  }
  if (n == 0) return NULL;
  job.p = heap + at[0], job.g = heap + at[1], job.m = heap + at[2], job.v = heap + at[3];
  job.op = heap + at[4], job.om = heap + at[5], job.ov = heap + at[6];
  run_parts(adam_part, &job, n, part_size(n, 32768, 64));
  return NULL;
}

typedef struct {
  int32_t op;
  const float *x, *second;
  float *third;
} GeluJob;

static void gelu_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  const GeluJob *j = job;
  if (j->op == 0) gelu_forward(j->x + from, (float *)j->second + from, to - from);
  else gelu_gradient(j->x + from, j->second + from, j->third + from, to - from);
}

/*
 * gelu(heap, op, n, at): op 0, at = [x, out]: out = x Phi(x); op 1, at = [x, dy, dx]:
 * dx = dy (Phi(x) + x exp(-x^2 / 2) / sqrt(2 pi)); n floats each at element offsets into
 * `heap`, not overlapping. Every range is checked first.
 */
static napi_value gelu(napi_env env, napi_callback_info info) {
  HEAP_ARGS("gelu", 4);
  size_t na = 0;
  int32_t op = 0;
  int64_t n = 0;
  CHECK(napi_get_value_int32(env, argv[1], &op));
  CHECK(napi_get_value_int64(env, argv[2], &n));
  int32_t *at = i32_arg(env, argv[3], &na);
  if (at == NULL && na > 0) return NULL;
  if ((op != 0 && op != 1) || na != (size_t)(op == 0 ? 2 : 3) || n < 0) {
    napi_throw_range_error(env, NULL, "sslmem-blas: gelu: op 0 with 2 offsets or op 1 with 3, n >= 0");
    return NULL;
  }
  for (size_t i = 0; i < na; i++) {
    if (!fits(env, "gelu operand", at[i], 1, n, n, length)) return NULL;
  }
  if (n == 0) return NULL;
  const GeluJob job = {op, heap + at[0], heap + at[1], op == 1 ? heap + at[2] : NULL};
  run_parts(gelu_part, &job, n, part_size(n, 8192, 64));
  return NULL;
}

/*
 * l2norm(heap, op, rows, d, at): rows of x [rows, d] scaled to unit L2 norm as the ops of
 * src/losses/l2-normalize.ts compute it on the wasm backend, float32 operation for operation,
 * hence the same bits: s = the squares summed in order, m = max(s, 1e-24) (NaN stays NaN, as
 * the Maximum kernel keeps it), r = sqrt(m). Op 0, at = [x, u]: u = x / r. Op 1, at = [x, dy,
 * dx]: the gradient the tape builds from the ops' gradients, dx = dy / r + g (2 x) with
 * t = sum(dy x) in order and g = ((-(t / (r r))) / (r 2)) (s >= 1e-24 ? 1 : 0).
 */
static inline float l2norm_row(const float *x, int64_t d, float *s_out) {
  float s = 0.0f;
  for (int64_t j = 0; j < d; j++) {
    const float q = x[j] * x[j];
    s = s + q;
  }
  *s_out = s;
  const float m = s != s ? s : s >= 1e-24f ? s : 1e-24f;
  return sqrtf(m);
}

static void l2norm_forward(const float *x, float *u, int64_t rows, int64_t d) {
  for (int64_t i = 0; i < rows; i++) {
    float s;
    const float r = l2norm_row(x + i * d, d, &s);
    for (int64_t j = 0; j < d; j++) u[i * d + j] = x[i * d + j] / r;
  }
}

static void l2norm_gradient(const float *x, const float *dy, float *dx, int64_t rows, int64_t d) {
  for (int64_t i = 0; i < rows; i++) {
    const float *xr = x + i * d, *gr = dy + i * d;
    float s;
    const float r = l2norm_row(xr, d, &s);
    float t = 0.0f;
    for (int64_t j = 0; j < d; j++) {
      const float q = gr[j] * xr[j];
      t = t + q;
    }
    const float rr = r * r;
    const float dnorm = -(t / rr);
    const float r2 = r * 2.0f;
    const float dmax = dnorm / r2;
    const float pass = s >= 1e-24f ? 1.0f : 0.0f;
    const float ds = dmax * pass;
    for (int64_t j = 0; j < d; j++) {
      const float through_div = gr[j] / r;
      const float x2 = xr[j] * 2.0f;
      const float through_square = ds * x2;
      dx[i * d + j] = through_div + through_square;
    }
  }
}

/*
 * The arguments (heap, op, rows, d, at) of l2norm and negcos: op 0 or 1, rows and d in
 * [0, INT32_MAX], `at` an Int32Array of `forward` offsets for op 0 and `backward` for op 1.
 * Returns 0 with an exception pending when they are not that.
 */
/* The parsed arguments of l2norm and negcos. */
struct rows_op {
  float *heap;
  size_t length;
  int32_t op;
  int64_t rows, d;
  int32_t *at;
  size_t na;
};

static int rows_op_call(napi_env env, napi_callback_info info, const char *name, size_t forward, size_t backward, struct rows_op *a) {
  napi_value argv[5];
  if (!heap_call(env, info, name, 5, argv, &a->heap, &a->length)) return 0;
  a->na = 0;
  if (napi_get_value_int32(env, argv[1], &a->op) != napi_ok || napi_get_value_int64(env, argv[2], &a->rows) != napi_ok || napi_get_value_int64(env, argv[3], &a->d) != napi_ok) {
    napi_throw_type_error(env, NULL, "sslmem-blas: expected numbers for op, rows and d");
    return 0;
  }
  a->at = i32_arg(env, argv[4], &a->na);
  if (a->at == NULL && a->na > 0) return 0;
  if ((a->op != 0 && a->op != 1) || a->na != (a->op == 0 ? forward : backward) || a->rows < 0 || a->d < 0 || a->rows > INT32_MAX || a->d > INT32_MAX) {
    char message[160];
    snprintf(message, sizeof message, "sslmem-blas: %s: op 0 with %zu offsets or op 1 with %zu, rows and d >= 0", name, forward, backward);
    napi_throw_range_error(env, NULL, message);
    return 0;
  }
  return 1;
}

static napi_value l2norm(napi_env env, napi_callback_info info) {
  struct rows_op a;
  if (!rows_op_call(env, info, "l2norm", 2, 3, &a)) return NULL;
  for (size_t i = 0; i < a.na; i++) {
    if (!fits(env, "l2norm operand", a.at[i], a.rows, a.d, a.d, a.length)) return NULL;
  }
  if (a.rows == 0 || a.d == 0) return NULL;
  if (a.op == 0) l2norm_forward(a.heap + a.at[0], a.heap + a.at[1], a.rows, a.d);
  else l2norm_gradient(a.heap + a.at[0], a.heap + a.at[1], a.heap + a.at[2], a.rows, a.d);
  return NULL;
}

/*
 * columnSums(heap, xAt, outer, rows, inner, block, scale, outAt): for x seen as
 * [outer, rows, inner], out[o, c] = scale * (sum over blocks of `block` rows of the block's
 * float32 column sum), the block sums added in double and the result rounded to float once:
 * the arithmetic of the wasm backend's Sum and Mean over leading axes (our SIMD column sums,
 * src/backend/wasm-kernels/reduce.ts), so the same bits. Every range is checked first.
 */
/* part[c] += x[r, c] for r in order, each column its own float32 sum; rows `ld` floats apart. */
VECTOR_CLONES static void column_sum_block(const float *restrict x, float *restrict part, int64_t rows, int64_t width, int64_t ld) {
  for (int64_t r = 0; r < rows; r++) {
    const float *row = x + r * ld;
    for (int64_t c = 0; c < width; c++) part[c] += row[c];
  }
}

/*
 * out[o, c] = (float)(scale * the sum over blocks of `block` rows of the block's float32 column
 * sum, the block sums added in double), for x [outer, rows, inner] and the columns c in
 * [c0, c1) (each column's sums alone: the same bits whatever the range). Returns 0 when out of
 * memory.
 */
static int column_totals_range(const float *x, int64_t outer, int64_t rows, int64_t inner, int64_t c0, int64_t c1, int64_t block, double scale, float *out) {
  const int64_t width = c1 - c0;
  if (width <= 0) return 1;
  float *part = malloc((size_t)width * sizeof(float));
  double *acc = malloc((size_t)width * sizeof(double));
  if (part == NULL || acc == NULL) {
    free(part), free(acc);
    return 0;
  }
  for (int64_t o = 0; o < outer; o++) {
    const float *xo = x + o * rows * inner + c0;
    for (int64_t c = 0; c < width; c++) acc[c] = 0;
    for (int64_t r0 = 0; r0 < rows; r0 += block) {
      int64_t r1 = r0 + block < rows ? r0 + block : rows;
      for (int64_t c = 0; c < width; c++) part[c] = 0;
      column_sum_block(xo + r0 * inner, part, r1 - r0, width, inner);
      for (int64_t c = 0; c < width; c++) acc[c] += part[c];
    }
    for (int64_t c = 0; c < width; c++) out[o * inner + c0 + c] = (float)(acc[c] * scale);
  }
  free(part), free(acc);
  return 1;
}

typedef struct {
  const float *x;
  float *out;
  int64_t outer, rows, inner, block;
  double scale;
  atomic_int ok;
} ColumnTotalsJob;

/* Columns [from, to) of the column totals (column_totals_range). */
static void column_totals_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  ColumnTotalsJob *j = (ColumnTotalsJob *)job;
  if (!column_totals_range(j->x, j->outer, j->rows, j->inner, from, to, j->block, j->scale, j->out)) atomic_store(&j->ok, 0);
}

/* The column totals of every column, the columns shared with the helper thread where two threads are in force. */
static int column_totals_shared(const float *x, int64_t outer, int64_t rows, int64_t inner, int64_t block, double scale, float *out) {
  ColumnTotalsJob job = {x, out, outer, rows, inner, block, scale, 1};
  const int64_t work = outer * rows > 0 ? outer * rows : 1;
  run_parts(column_totals_part, &job, inner, part_size(inner, (16384 + work - 1) / work, 16));
  return atomic_load(&job.ok);
}

static napi_value column_sums(napi_env env, napi_callback_info info) {
  HEAP_ARGS("columnSums", 8);
  int64_t xAt = 0, outer = 0, rows = 0, inner = 0, block = 0, outAt = 0;
  double scale = 1;
  CHECK(napi_get_value_int64(env, argv[1], &xAt));
  CHECK(napi_get_value_int64(env, argv[2], &outer));
  CHECK(napi_get_value_int64(env, argv[3], &rows));
  CHECK(napi_get_value_int64(env, argv[4], &inner));
  CHECK(napi_get_value_int64(env, argv[5], &block));
  CHECK(napi_get_value_double(env, argv[6], &scale));
  CHECK(napi_get_value_int64(env, argv[7], &outAt));
  if (outer < 0 || rows < 0 || inner < 0 || block < 1 || outer > INT32_MAX || rows > INT32_MAX || inner > INT32_MAX) {
    napi_throw_range_error(env, NULL, "sslmem-blas: columnSums: outer, rows, inner >= 0 and block >= 1");
    return NULL;
  }
  if (!fits(env, "columnSums input", xAt, outer * rows, inner, inner, length)) return NULL;
  if (!fits(env, "columnSums output", outAt, outer, inner, inner, length)) return NULL;
  if (outer == 0 || inner == 0) return NULL;
  float *out = malloc((size_t)(outer * inner) * sizeof(float));
  if (out == NULL || !column_totals_shared(heap + xAt, outer, rows, inner, block, scale, out)) {
    free(out);
    napi_throw_error(env, NULL, "sslmem-blas: columnSums: out of memory");
    return NULL;
  }
  /* Written at the end, so an output over the input reads the input whole first. */
  memcpy(heap + outAt, out, (size_t)(outer * inner) * sizeof(float));
  free(out);
  return NULL;
}

/*
 * negcos(heap, op, n, d, at): the negative cosine similarity of paired rows of p and z [n, d]
 * as the ops of src/losses/negative-cosine.ts compute it on the wasm backend, float32
 * operation for operation (both rows L2-normalised as l2norm does, their products summed in
 * order per row, the row sums summed in order and divided by n, negated), hence the same bits.
 * Op 0, at = [p, z, out]: out[0] = the loss. Op 1, at = [p, z, dy, dp, dz]: the gradient the
 * tape builds from the ops' (q = -dy[0] / n; dp = l2norm's gradient of p for q zn, dz for q pn).
 */
static int negcos(float *heap, int op, int64_t n, int64_t d, const int32_t *at) {
  const float *p = heap + at[0], *z = heap + at[1];
  float *pn = malloc((size_t)(n * d) * sizeof(float)), *zn = malloc((size_t)(n * d) * sizeof(float));
  if (pn == NULL || zn == NULL) {
    free(pn), free(zn);
    return 0;
  }
  l2norm_forward(p, pn, n, d);
  l2norm_forward(z, zn, n, d);
  if (op == 0) {
    float total = 0.0f;
    for (int64_t i = 0; i < n; i++) {
      float row = 0.0f;
      for (int64_t j = 0; j < d; j++) {
        const float q = pn[i * d + j] * zn[i * d + j];
        row = row + q;
      }
      total = total + row;
    }
    const float mean = total / (float)n;
    heap[at[2]] = -mean;
  } else {
    const float q = -heap[at[2]] / (float)n;
    /* pn and zn become the gradients of the normalised rows: q zn for pn, q pn for zn. */
    for (int64_t i = 0; i < n * d; i++) {
      const float a = pn[i], b = zn[i];
      pn[i] = q * b;
      zn[i] = q * a;
    }
    l2norm_gradient(p, pn, heap + at[3], n, d);
    l2norm_gradient(z, zn, heap + at[4], n, d);
  }
  free(pn), free(zn);
  return 1;
}

static napi_value negcos_call(napi_env env, napi_callback_info info) {
  struct rows_op a;
  if (!rows_op_call(env, info, "negcos", 3, 5, &a)) return NULL;
  if (a.rows < 1 || a.d < 1) {
    napi_throw_range_error(env, NULL, "sslmem-blas: negcos: n and d >= 1");
    return NULL;
  }
  /* p, z (and dp, dz) are [n, d]; out (and dy) one value. */
  for (size_t i = 0; i < a.na; i++) {
    const int one = i == 2;
    if (!fits(env, "negcos operand", a.at[i], one ? 1 : a.rows, one ? 1 : a.d, one ? 1 : a.d, a.length)) return NULL;
  }
  if (!negcos(a.heap, a.op, a.rows, a.d, a.at)) {
    napi_throw_error(env, NULL, "sslmem-blas: negcos: out of memory");
    return NULL;
  }
  return NULL;
}

/*
 * denseBatchNorm(heap, op, n, c, scalars, at): training-mode batch norm of rows x [n, c] with
 * the float32 operations of the ops in src/encoders/batch-norm.ts (trainingBatchNorm and the
 * running statistics of applyBatchNorm) in their order, hence the same bits: column means as
 * the wasm backend's Mean over axis 0 takes them (column_totals_range: blocks of 256 rows, block
 * sums added in double, times 1/n in double, rounded once), squares, 1 / sqrt. Op 0, scalars
 * [epsilon, momentum, 1 - momentum, (1 - momentum) n / (n - 1), 1 / n] (the first four as the
 * float32 scalars the ops make of them), at = [x, gamma, beta, movingMean, movingVariance, y,
 * centered, invStd, newMean, newVariance]. Op 1, scalars [n], at = [dy, centered, invStd,
 * gamma, dx, dGamma, dBeta]: the gradient of trainingBatchNorm's customGrad.
 */
/* A denseBatchNorm call; every step is column by column, so columns are shared with the helper thread. */
typedef struct {
  float *heap;
  int64_t n, c;
  const double *k;
  const int32_t *at;
  float *scratch; /* op 0: mean and variance [2c]; op 1: dy xc [n, c] and its column sums [c] */
  atomic_int ok;
} DenseBatchNormJob;

/* Columns [c0, c1) of the forward pass. */
static void dense_batch_norm_forward(const void *data, int64_t c0, int64_t c1, int worker) {
  (void)worker;
  DenseBatchNormJob *job = (DenseBatchNormJob *)data;
  float *heap = job->heap;
  const int32_t *at = job->at;
  const double *k = job->k;
  const int64_t n = job->n, c = job->c;
  const float *x = heap + at[0], *gamma = heap + at[1], *beta = heap + at[2], *moving_mean = heap + at[3], *moving_var = heap + at[4];
  float *y = heap + at[5], *centered = heap + at[6], *inv_std = heap + at[7], *new_mean = heap + at[8], *new_var = heap + at[9];
  const float eps = (float)k[0], m = (float)k[1], one_minus_m = (float)k[2], var_weight = (float)k[3];
  float *mean = job->scratch, *var = job->scratch + c;
  if (!column_totals_range(x, 1, n, c, c0, c1, 256, k[4], mean)) {
    atomic_store(&job->ok, 0);
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    for (int64_t j = c0; j < c1; j++) {
      const float d = x[i * c + j] - mean[j];
      centered[i * c + j] = d;
      y[i * c + j] = d * d; /* the squares, for the variance; y is written again below */
    }
  }
  if (!column_totals_range(y, 1, n, c, c0, c1, 256, k[4], var)) {
    atomic_store(&job->ok, 0);
    return;
  }
  for (int64_t j = c0; j < c1; j++) {
    const float v = var[j] + eps;
    inv_std[j] = 1.0f / sqrtf(v);
  }
  for (int64_t i = 0; i < n; i++) {
    for (int64_t j = c0; j < c1; j++) {
      const float scale = gamma[j] * inv_std[j];
      const float t = centered[i * c + j] * scale;
      y[i * c + j] = t + beta[j];
    }
  }
  for (int64_t j = c0; j < c1; j++) {
    const float a = moving_mean[j] * m, b = mean[j] * one_minus_m;
    new_mean[j] = a + b;
    const float e = moving_var[j] * m, f = var[j] * var_weight;
    new_var[j] = e + f;
  }
}

/* Columns [c0, c1) of the gradient. */
static void dense_batch_norm_gradient(const void *data, int64_t c0, int64_t c1, int worker) {
  (void)worker;
  DenseBatchNormJob *job = (DenseBatchNormJob *)data;
  float *heap = job->heap;
  const int32_t *at = job->at;
  const int64_t n = job->n, c = job->c;
  const float *dy = heap + at[0], *xc = heap + at[1], *s = heap + at[2], *gamma = heap + at[3];
  float *dx = heap + at[4], *dgamma = heap + at[5], *dbeta = heap + at[6];
  const float nf = (float)job->k[0];
  float *dy_xc = job->scratch, *sum_dy_xc = job->scratch + n * c;
  if (!column_totals_range(dy, 1, n, c, c0, c1, 256, 1.0, dbeta)) {
    atomic_store(&job->ok, 0);
    return;
  }
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = c0; j < c1; j++) dy_xc[i * c + j] = dy[i * c + j] * xc[i * c + j];
  if (!column_totals_range(dy_xc, 1, n, c, c0, c1, 256, 1.0, sum_dy_xc)) {
    atomic_store(&job->ok, 0);
    return;
  }
  for (int64_t j = c0; j < c1; j++) dgamma[j] = sum_dy_xc[j] * s[j];
  for (int64_t i = 0; i < n; i++) {
    for (int64_t j = c0; j < c1; j++) {
      const float kj = (s[j] * s[j]) * (sum_dy_xc[j] / nf);
      const float a = dbeta[j] / nf;
      const float b1 = dy[i * c + j] - a;
      const float b2 = xc[i * c + j] * kj;
      const float gs = gamma[j] * s[j];
      dx[i * c + j] = (b1 - b2) * gs;
    }
  }
}

static napi_value dense_batch_norm(napi_env env, napi_callback_info info) {
  HEAP_ARGS("denseBatchNorm", 6);
  int32_t op = 0;
  int64_t n = 0, c = 0;
  size_t nk = 0, na = 0;
  CHECK(napi_get_value_int32(env, argv[1], &op));
  CHECK(napi_get_value_int64(env, argv[2], &n));
  CHECK(napi_get_value_int64(env, argv[3], &c));
  const double *k = f64_arg(env, argv[4], &nk, "scalars");
  if (k == NULL && nk > 0) return NULL;
  const int32_t *at = i32_arg(env, argv[5], &na);
  if (at == NULL && na > 0) return NULL;
  if ((op != 0 && op != 1) || nk != (size_t)(op == 0 ? 5 : 1) || na != (size_t)(op == 0 ? 10 : 7) || n < 1 || c < 1 || n > INT32_MAX || c > INT32_MAX) {
    napi_throw_range_error(env, NULL, "sslmem-blas: denseBatchNorm: op 0 with 5 scalars and 10 offsets or op 1 with 1 and 7, n and c >= 1");
    return NULL;
  }
  /* Which operands are [n, c] (the rest [c]). */
  static const int rows_forward[10] = {1, 0, 0, 0, 0, 1, 1, 0, 0, 0};
  static const int rows_gradient[7] = {1, 1, 0, 0, 1, 0, 0};
  for (size_t i = 0; i < na; i++) {
    const int full = op == 0 ? rows_forward[i] : rows_gradient[i];
    if (!fits(env, "denseBatchNorm operand", at[i], full ? n : 1, c, c, length)) return NULL;
  }
  float *scratch = malloc((size_t)(op == 0 ? 2 * c : n * c + c) * sizeof(float));
  if (scratch == NULL) {
    napi_throw_error(env, NULL, "sslmem-blas: denseBatchNorm: out of memory");
    return NULL;
  }
  DenseBatchNormJob job = {heap, n, c, k, at, scratch, 1};
  run_parts(op == 0 ? dense_batch_norm_forward : dense_batch_norm_gradient, &job, c, part_size(c, (16384 + n - 1) / n, 16));
  free(scratch);
  if (!atomic_load(&job.ok)) napi_throw_error(env, NULL, "sslmem-blas: denseBatchNorm: out of memory");
  return NULL;
}

/*
 * rowSums(heap, xAt, rows, n, mean, outAt): out[r] = x[r, 0] + x[r, 1] + ... + x[r, n-1]
 * added in float32 in that order, divided by n (in float32) when `mean` is true: the
 * arithmetic of the wasm backend's shipped Sum and Mean over the innermost axes, so the same
 * bits. Eight rows at a time (independent sums). Every range is checked first.
 */
VECTOR_CLONES static void row_sums_rows(const float *x, float *out, int64_t rows, int64_t n, int mean) {
  int64_t r = 0;
  for (; r + 8 <= rows; r += 8) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int64_t k = 0; k < n; k++)
      for (int j = 0; j < 8; j++) acc[j] += x[(r + j) * n + k];
    for (int j = 0; j < 8; j++) out[r + j] = mean ? acc[j] / (float)n : acc[j];
  }
  for (; r < rows; r++) {
    float acc = 0;
    for (int64_t k = 0; k < n; k++) acc += x[r * n + k];
    out[r] = mean ? acc / (float)n : acc;
  }
}

typedef struct {
  const float *x;
  float *out;
  int64_t n;
  int mean;
} RowSumsJob;

static void row_sums_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  const RowSumsJob *j = job;
  row_sums_rows(j->x + from * j->n, j->out + from, to - from, j->n, j->mean);
}

static napi_value row_sums(napi_env env, napi_callback_info info) {
  HEAP_ARGS("rowSums", 6);
  int64_t xAt = 0, rows = 0, n = 0, outAt = 0;
  bool mean = false;
  CHECK(napi_get_value_int64(env, argv[1], &xAt));
  CHECK(napi_get_value_int64(env, argv[2], &rows));
  CHECK(napi_get_value_int64(env, argv[3], &n));
  CHECK(napi_get_value_bool(env, argv[4], &mean));
  CHECK(napi_get_value_int64(env, argv[5], &outAt));
  if (rows < 0 || n < 1 || rows > INT32_MAX || n > INT32_MAX) {
    napi_throw_range_error(env, NULL, "sslmem-blas: rowSums: rows >= 0 and n >= 1");
    return NULL;
  }
  if (!fits(env, "rowSums input", xAt, rows, n, n, length)) return NULL;
  if (!fits(env, "rowSums output", outAt, 1, rows, rows, length)) return NULL;
  if (rows == 0) return NULL;
  if (outAt < xAt + rows * n && xAt < outAt + rows) {
    napi_throw_range_error(env, NULL, "sslmem-blas: rowSums: the output overlaps the input");
    return NULL;
  }
  const RowSumsJob job = {heap + xAt, heap + outAt, n, mean};
  run_parts(row_sums_part, &job, rows, part_size(rows, (16384 + n - 1) / n, 8));
  return NULL;
}

/*
 * Layer norm over the last axis of rows x [rows, c], forward and back, with the float32
 * operations of the ops of src/encoders/layer-norm.ts and of the gradients the tape builds
 * from them (tfjs-core's, and ours for Mean), in their order, hence the same bits. Row sums
 * are the shipped Sum/Mean kernels' over the innermost axis (row_sums_rows), the sums over
 * rows those of our Sum over leading axes (column_totals_range, blocks of 256 rows).
 *   forward:  mean = rowmean(x); centered = x - mean; var = rowmean(centered^2);
 *             ve = var + eps; rs = 1 / sqrt(ve); normed = centered rs; y = normed gamma + beta
 *   backward (powv = ve^1.5 by the shipped Pow kernel, which the caller runs):
 *             dbeta = colsum(dy); dgamma = colsum(dy normed); dn = dy gamma;
 *             drs = rowsum(dn centered); dve = -(drs / (powv 2)); dsq = dve / c;
 *             dcent = dn rs + dsq (centered 2); dx = dcent + (-rowsum(dcent)) / c
 */
VECTOR_CLONES static void ln_center(const float *restrict x, const float *restrict mean, float *restrict centered, float *restrict sq, int64_t rows, int64_t c) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t k = 0; k < c; k++) {
      const float v = x[r * c + k] - mean[r];
      centered[r * c + k] = v;
      sq[r * c + k] = v * v;
    }
}

VECTOR_CLONES static void ln_scale(const float *restrict centered, const float *restrict rs, const float *restrict gamma, const float *restrict beta, float *restrict normed, float *restrict y, int64_t rows, int64_t c) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t k = 0; k < c; k++) {
      const float n = centered[r * c + k] * rs[r];
      normed[r * c + k] = n;
      y[r * c + k] = n * gamma[k] + beta[k];
    }
}

/* dn = dy gamma, its products with centered (for drs) and dy normed (for dgamma). */
VECTOR_CLONES static void ln_back_products(const float *restrict dy, const float *restrict gamma, const float *restrict centered, const float *restrict normed, float *restrict dn, float *restrict dnc, float *restrict dyn, int64_t rows, int64_t c) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t k = 0; k < c; k++) {
      const int64_t i = r * c + k;
      const float d = dy[i] * gamma[k];
      dn[i] = d;
      dnc[i] = d * centered[i];
      dyn[i] = dy[i] * normed[i];
    }
}

VECTOR_CLONES static void ln_back_centered(const float *restrict dn, const float *restrict rs, const float *restrict dsq, const float *restrict centered, float *restrict dcent, int64_t rows, int64_t c) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t k = 0; k < c; k++) {
      const int64_t i = r * c + k;
      dcent[i] = dn[i] * rs[r] + dsq[r] * (centered[i] * 2.0f);
    }
}

VECTOR_CLONES static void ln_back_dx(const float *restrict dcent, const float *restrict dmean, float *restrict dx, int64_t rows, int64_t c) {
  for (int64_t r = 0; r < rows; r++)
    for (int64_t k = 0; k < c; k++) dx[r * c + k] = dcent[r * c + k] + dmean[r];
}

/* A layer norm call's operands (op 0: x, gamma, beta; y, centered, ve, rs, normed. op 1: dy, gamma,
   centered, rs, normed, powv; dx, dgamma, dbeta) and its scratch: three [rows, c], two [rows]. */
typedef struct {
  int32_t op;
  int64_t c;
  float eps;
  const float *in[6];
  float *out[6];
  float *full1, *full2, *full3, *row1, *row2;
} LayerNormJob;

/* Rows [from, to) of the forward pass (op 0) or of the gradient's row-by-row steps (op 1). */
static void layer_norm_rows(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  const LayerNormJob *j = job;
  const int64_t c = j->c, rows = to - from, at = from * c;
  float *full1 = j->full1 + at, *full2 = j->full2 + at, *full3 = j->full3 + at, *row1 = j->row1 + from, *row2 = j->row2 + from;
  if (j->op == 0) {
    const float *x = j->in[0] + at, *gamma = j->in[1], *beta = j->in[2];
    float *y = j->out[0] + at, *centered = j->out[1] + at, *ve = j->out[2] + from, *rs = j->out[3] + from, *normed = j->out[4] + at;
    row_sums_rows(x, row1, rows, c, 1);
    ln_center(x, row1, centered, full1, rows, c);
    row_sums_rows(full1, row2, rows, c, 1);
    for (int64_t r = 0; r < rows; r++) {
      ve[r] = row2[r] + j->eps;
      rs[r] = 1.0f / __builtin_sqrtf(ve[r]);
    }
    ln_scale(centered, rs, gamma, beta, normed, y, rows, c);
  } else {
    const float *dy = j->in[0] + at, *gamma = j->in[1], *centered = j->in[2] + at, *rs = j->in[3] + from, *normed = j->in[4] + at, *powv = j->in[5] + from;
    float *dx = j->out[0] + at;
    /* full1 = dn, full2 = dn centered, full3 = dy normed. */
    ln_back_products(dy, gamma, centered, normed, full1, full2, full3, rows, c);
    row_sums_rows(full2, row1, rows, c, 0);
    const float n = (float)c;
    for (int64_t r = 0; r < rows; r++) row1[r] = -(row1[r] / (powv[r] * 2.0f)) / n;
    /* full2 = dcent */
    ln_back_centered(full1, rs, row1, centered, full2, rows, c);
    row_sums_rows(full2, row2, rows, c, 0);
    for (int64_t r = 0; r < rows; r++) row2[r] = -row2[r] / n;
    ln_back_dx(full2, row2, dx, rows, c);
  }
}

/*
 * layerNorm(heap, op, rows, c, epsilon, at): element offsets in `at`:
 *   op 0: [x, gamma, beta, y, centered, ve, rs, normed]   (ve and rs one per row)
 *   op 1: [dy, gamma, centered, rs, normed, powv, dx, dgamma, dbeta]
 * epsilon (op 0) a float32 value. Outputs must not overlap inputs; every range is checked first.
 */
static napi_value layer_norm(napi_env env, napi_callback_info info) {
  HEAP_ARGS("layerNorm", 6);
  int32_t op = -1;
  int64_t dims[2] = {0, 0};
  double eps = 0;
  CHECK(napi_get_value_int32(env, argv[1], &op));
  if (!int64_args(env, argv + 2, 2, dims)) return NULL;
  CHECK(napi_get_value_double(env, argv[4], &eps));
  size_t nat = 0;
  int32_t *at = i32_arg(env, argv[5], &nat);
  if (at == NULL && nat > 0) return NULL;
  const int64_t rows = dims[0], c = dims[1];
  if ((op != 0 && op != 1) || rows < 1 || c < 1 || rows > INT32_MAX || c > INT32_MAX || (op == 0 && (double)(float)eps != eps)) {
    napi_throw_range_error(env, NULL, "sslmem-blas: layerNorm: op 0 or 1, rows and c >= 1, epsilon a float32 value");
    return NULL;
  }
  /* Sizes of the operands in order: full [rows, c], per column [c] or per row [rows]. */
  static const char kinds[2][9] = {{'f', 'c', 'c', 'f', 'f', 'r', 'r', 'f', 0}, {'f', 'c', 'f', 'r', 'f', 'r', 'f', 'c', 'c'}};
  const int count = op == 0 ? 8 : 9, inputs = op == 0 ? 3 : 6;
  if ((int)nat != count) {
    napi_throw_range_error(env, NULL, "sslmem-blas: layerNorm: 8 offsets (op 0) or 9 (op 1)");
    return NULL;
  }
  int64_t sizes[9];
  for (int k = 0; k < count; k++) {
    sizes[k] = kinds[op][k] == 'f' ? rows * c : kinds[op][k] == 'c' ? c : rows;
    if (!fits(env, "layerNorm operand", at[k], 1, sizes[k], sizes[k], length)) return NULL;
  }
  for (int k = inputs; k < count; k++) {
    for (int q = 0; q < count; q++) {
      if (q != k && at[k] < at[q] + sizes[q] && at[q] < at[k] + sizes[k]) {
        napi_throw_range_error(env, NULL, "sslmem-blas: layerNorm: an output overlaps another operand");
        return NULL;
      }
    }
  }
  const float *in[6];
  for (int k = 0; k < inputs; k++) in[k] = heap + at[k];
  float *out[6];
  for (int k = inputs; k < count; k++) out[k - inputs] = heap + at[k];
  float *scratch = malloc((size_t)(rows * c * 3 + rows * 2) * sizeof(float));
  if (scratch == NULL) {
    napi_throw_error(env, NULL, "sslmem-blas: layerNorm: out of memory");
    return NULL;
  }
  LayerNormJob job = {op, c, (float)eps, {NULL}, {NULL}, scratch, scratch + rows * c, scratch + 2 * rows * c, scratch + 3 * rows * c, scratch + 3 * rows * c + rows};
  memcpy(job.in, in, sizeof in);
  memcpy(job.out, out, sizeof out);
  /* Every step but the sums over rows is row by row: rows are shared with the helper thread. */
  run_parts(layer_norm_rows, &job, rows, part_size(rows, (16384 + c - 1) / c, 8));
  int ok = 1;
  if (op == 1) {
    /* dbeta = colsum(dy), dgamma = colsum(dy normed), their columns shared where two threads are in force. */
    ok = column_totals_shared(in[0], 1, rows, c, 256, 1.0, out[2]) && column_totals_shared(scratch + 2 * rows * c, 1, rows, c, 256, 1.0, out[1]);
  }
  free(scratch);
  if (!ok) napi_throw_error(env, NULL, "sslmem-blas: layerNorm: out of memory");
  return NULL;
}

/*
 * binary(heap, op, dims, aAt, aStrides, bAt, bStrides, outAt): for every index vector i of
 * `dims` (row-major, 1 to 8 axes), out[outAt + flat(i)] = a[aAt + i . aStrides] op
 * b[bAt + i . bStrides], op 0 add, 1 subtract, 2 multiply, 3 divide, in float32: each result is
 * the IEEE-rounded one, as in the wasm backend's kernels, so the same bits (NaN stays NaN).
 * Strides >= 0 (0 along broadcast axes). Every range is checked first.
 */
#define BINARY_LOOP(OP)                                                          \
  do {                                                                           \
    if (sa == 1 && sb == 1) for (int64_t k = 0; k < inner; k++) o[k] = pa[k] OP pb[k]; \
    else if (sa == 1 && sb == 0) { float v = pb[0]; for (int64_t k = 0; k < inner; k++) o[k] = pa[k] OP v; } \
    else if (sa == 0 && sb == 1) { float v = pa[0]; for (int64_t k = 0; k < inner; k++) o[k] = v OP pb[k]; } \
    else for (int64_t k = 0; k < inner; k++) o[k] = pa[k * sa] OP pb[k * sb];   \
  } while (0)

/* Rows [from, to) of the loop over `dims` (a row: one index of every axis but the last). */
VECTOR_CLONES static void binary_rows(int op, const float *a, const float *b, float *out, const int32_t *dims, const int32_t *as, const int32_t *bs, size_t nd, int64_t from, int64_t to) {
  int64_t inner = dims[nd - 1], sa = as[nd - 1], sb = bs[nd - 1];
  int64_t counter[8] = {0};
  int64_t ia = 0, ib = 0;
  for (int64_t d = (int64_t)nd - 2, rest = from; d >= 0; d--) {
    counter[d] = rest % dims[d];
    rest /= dims[d];
    ia += counter[d] * as[d];
    ib += counter[d] * bs[d];
  }
  for (int64_t row = from; row < to; row++) {
    const float *pa = a + ia, *pb = b + ib;
    float *o = out + row * inner;
    switch (op) {
      case 0: BINARY_LOOP(+); break;
      case 1: BINARY_LOOP(-); break;
      case 2: BINARY_LOOP(*); break;
      default: BINARY_LOOP(/); break;
    }
    for (int64_t d = (int64_t)nd - 2; d >= 0; d--) {
      ia += as[d];
      ib += bs[d];
      if (++counter[d] < dims[d]) break;
      ia -= (int64_t)as[d] * dims[d];
      ib -= (int64_t)bs[d] * dims[d];
      counter[d] = 0;
    }
  }
}

typedef struct {
  int op;
  const float *a, *b;
  float *out;
  const int32_t *dims, *as, *bs;
  size_t nd;
} BinaryJob;

/* Elements [k0, k1) of row `row` (the same loop as binary_rows, over part of one row). */
VECTOR_CLONES static void binary_span(int op, const float *a, const float *b, float *out, const int32_t *dims, const int32_t *as, const int32_t *bs, size_t nd, int64_t row, int64_t k0, int64_t k1) {
  const int64_t sa = as[nd - 1], sb = bs[nd - 1], inner = k1 - k0;
  int64_t ia = k0 * sa, ib = k0 * sb;
  for (int64_t d = (int64_t)nd - 2, rest = row; d >= 0; d--) {
    ia += (rest % dims[d]) * as[d];
    ib += (rest % dims[d]) * bs[d];
    rest /= dims[d];
  }
  const float *pa = a + ia, *pb = b + ib;
  float *o = out + row * dims[nd - 1] + k0;
  switch (op) {
    case 0: BINARY_LOOP(+); break;
    case 1: BINARY_LOOP(-); break;
    case 2: BINARY_LOOP(*); break;
    default: BINARY_LOOP(/); break;
  }
}

/* Output elements [from, to) (row-major over dims): whole rows by binary_rows, the parts of rows at either end by binary_span. */
static void binary_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  const BinaryJob *j = job;
  const int64_t inner = j->dims[j->nd - 1];
  int64_t first = (from + inner - 1) / inner, last = to / inner;  /* whole rows [first, last) */
  if (first > last) {
    binary_span(j->op, j->a, j->b, j->out, j->dims, j->as, j->bs, j->nd, from / inner, from % inner, to - (from / inner) * inner);
    return;
  }
  if (from < first * inner) binary_span(j->op, j->a, j->b, j->out, j->dims, j->as, j->bs, j->nd, first - 1, from - (first - 1) * inner, inner);
  if (first < last) binary_rows(j->op, j->a, j->b, j->out, j->dims, j->as, j->bs, j->nd, first, last);
  if (to > last * inner) binary_span(j->op, j->a, j->b, j->out, j->dims, j->as, j->bs, j->nd, last, 0, to - last * inner);
}

static napi_value binary(napi_env env, napi_callback_info info) {
  HEAP_ARGS("binary", 8);
  int32_t op = 0;
  int64_t aAt = 0, bAt = 0, outAt = 0;
  size_t nd = 0, na = 0, nb = 0;
  CHECK(napi_get_value_int32(env, argv[1], &op));
  int32_t *dims = i32_arg(env, argv[2], &nd);
  if (dims == NULL && nd > 0) return NULL;
  CHECK(napi_get_value_int64(env, argv[3], &aAt));
  int32_t *as = i32_arg(env, argv[4], &na);
  if (as == NULL && na > 0) return NULL;
  CHECK(napi_get_value_int64(env, argv[5], &bAt));
  int32_t *bs = i32_arg(env, argv[6], &nb);
  if (bs == NULL && nb > 0) return NULL;
  CHECK(napi_get_value_int64(env, argv[7], &outAt));
  if (op < 0 || op > 3 || nd < 1 || nd > 8 || na != nd || nb != nd) {
    napi_throw_range_error(env, NULL, "sslmem-blas: binary: op 0 to 3, dims and both strides of one length, 1 to 8 axes");
    return NULL;
  }
  int64_t total = 1, lastA = aAt, lastB = bAt;
  for (size_t d = 0; d < nd; d++) {
    if (dims[d] < 0 || as[d] < 0 || bs[d] < 0) {
      napi_throw_range_error(env, NULL, "sslmem-blas: binary: dims and strides must be >= 0");
      return NULL;
    }
    total *= dims[d];
    if (dims[d] > 0) lastA += (int64_t)(dims[d] - 1) * as[d], lastB += (int64_t)(dims[d] - 1) * bs[d];
  }
  if (total == 0) return NULL;
  if (aAt < 0 || lastA >= (int64_t)length) return throw_range(env, "binary a", lastA + 1, length), NULL;
  if (bAt < 0 || lastB >= (int64_t)length) return throw_range(env, "binary b", lastB + 1, length), NULL;
  if (outAt < 0 || outAt + total > (int64_t)length) return throw_range(env, "binary output", outAt + total, length), NULL;
  const BinaryJob job = {op, heap + aAt, heap + bAt, heap + outAt, dims, as, bs, nd};
  /* Parts of the output's elements (whole rows or not: a single long row is shared too). */
  run_parts(binary_part, &job, total, part_size(total, 16384, 16));
  return NULL;
}

/*
 * warp(src, out, height, width, channels, selected, coefficients, mode, fillValue): the bilinear
 * affine warp of src/augment/warp-bilinear.ts in double, operation for operation (the same
 * bits): image selected[k] of `src` ([batch, height, width, channels], plain Float32Arrays,
 * not the heap) is resampled into `out` through coefficients[6k .. 6k + 5] = [a0, a1, a2, b0,
 * b1, b2] (output pixel (x, y) samples (a0 x + a1 y + a2, b0 x + b1 y + b2)); mode 0 constant
 * (taps outside read fillValue), 1 reflect, 2 wrap, 3 nearest. Coefficients must be finite.
 */
static double warp_map(double v, double n, int mode) {
  if (mode == 2) {
    double m = fmod(v, n);
    return m < 0 ? (m + n >= n ? 0 : m + n) : m;
  }
  if (mode == 1) {
    double period = 2 * n;
    double m = fmod(v + 0.5, period);
    if (m < 0) m += period;
    v = (m < n ? m : period - m) - 0.5;
  }
  return v < 0 ? 0 : v > n - 1 ? n - 1 : v;
}

static void warp_image(const float *src, float *out, int64_t height, int64_t width, int64_t channels, const double *k, int mode, double fill) {
  const double a0 = k[0], a1 = k[1], a2 = k[2], b0 = k[3], b1 = k[4], b2 = k[5];
  const int64_t rowStride = width * channels;
  const double w = (double)width, h = (double)height;
  int64_t o = 0;
  for (int64_t y = 0; y < height; y++) {
    for (int64_t x = 0; x < width; x++, o += channels) {
      double sx = a0 * (double)x + a1 * (double)y + a2;
      double sy = b0 * (double)x + b1 * (double)y + b2;
      if (mode != 0) {
        sx = warp_map(sx, w, mode);
        sy = warp_map(sy, h, mode);
      }
      const double x0 = floor(sx), y0 = floor(sy);
      const double fx = sx - x0, fy = sy - y0;
      const double x1 = x0 + 1, y1 = y0 + 1;
      if (x0 >= 0 && y0 >= 0 && x1 < w && y1 < h) {
        const float *p00 = src + (int64_t)y0 * rowStride + (int64_t)x0 * channels;
        const float *p10 = p00 + rowStride;
        for (int64_t c = 0; c < channels; c++) {
          const double top = (1 - fx) * p00[c] + fx * p00[channels + c];
          const double bottom = (1 - fx) * p10[c] + fx * p10[channels + c];
          out[o + c] = (float)((1 - fy) * top + fy * bottom);
        }
        continue;
      }
      if (mode == 0) {
        const int in00 = y0 >= 0 && y0 < h && x0 >= 0 && x0 < w;
        const int in01 = y0 >= 0 && y0 < h && x1 >= 0 && x1 < w;
        const int in10 = y1 >= 0 && y1 < h && x0 >= 0 && x0 < w;
        const int in11 = y1 >= 0 && y1 < h && x1 >= 0 && x1 < w;
        for (int64_t c = 0; c < channels; c++) {
          const double v00 = in00 ? src[(int64_t)y0 * rowStride + (int64_t)x0 * channels + c] : fill;
          const double v01 = in01 ? src[(int64_t)y0 * rowStride + (int64_t)x1 * channels + c] : fill;
          const double v10 = in10 ? src[(int64_t)y1 * rowStride + (int64_t)x0 * channels + c] : fill;
          const double v11 = in11 ? src[(int64_t)y1 * rowStride + (int64_t)x1 * channels + c] : fill;
          out[o + c] = (float)((1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11));
        }
        continue;
      }
      /* Mapped coordinates: the second tap past the last pixel wraps to the first (wrap) or has weight 0. */
      const int64_t xi = (int64_t)x0, yi = (int64_t)y0;
      const int64_t xn = x1 < w ? xi + 1 : mode == 2 ? 0 : width - 1;
      const int64_t yn = y1 < h ? yi + 1 : mode == 2 ? 0 : height - 1;
      const float *r0 = src + yi * rowStride, *r1 = src + yn * rowStride;
      for (int64_t c = 0; c < channels; c++) {
        const double top = (1 - fx) * r0[xi * channels + c] + fx * r0[xn * channels + c];
        const double bottom = (1 - fx) * r1[xi * channels + c] + fx * r1[xn * channels + c];
        out[o + c] = (float)((1 - fy) * top + fy * bottom);
      }
    }
  }
}

#ifdef SSLMEM_X86_AVX2
/* One pixel of a constant-fill warp of a one-channel image: the arithmetic of warp_image's. */
static inline float warp_gray_pixel(const float *src, int32_t height, int32_t width, double sx, double sy, double fill) {
  const double w = (double)width, h = (double)height;
  const double x0 = floor(sx), y0 = floor(sy);
  const double fx = sx - x0, fy = sy - y0;
  const double x1 = x0 + 1, y1 = y0 + 1;
  const int iny0 = y0 >= 0 && y0 < h, iny1 = y1 >= 0 && y1 < h, inx0 = x0 >= 0 && x0 < w, inx1 = x1 >= 0 && x1 < w;
  const double v00 = iny0 && inx0 ? src[(int64_t)y0 * width + (int64_t)x0] : fill;
  const double v01 = iny0 && inx1 ? src[(int64_t)y0 * width + (int64_t)x1] : fill;
  const double v10 = iny1 && inx0 ? src[(int64_t)y1 * width + (int64_t)x0] : fill;
  const double v11 = iny1 && inx1 ? src[(int64_t)y1 * width + (int64_t)x1] : fill;
  return (float)((1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11));
}

/* A tap's value: the pixel at (row, column) where both are inside, else fill (4 pixels). */
__attribute__((target("avx2")))
static inline __m256d tap4(const float *src, __m128i rowStart, __m256d col, __m256d colOk, __m256d rowOk, __m256d fill, __m256d wmax) {
  const __m128i c = _mm256_cvttpd_epi32(_mm256_min_pd(_mm256_max_pd(col, _mm256_setzero_pd()), wmax));
  const __m256d v = _mm256_cvtps_pd(_mm_i32gather_ps(src, _mm_add_epi32(rowStart, c), 4));
  return _mm256_blendv_pd(fill, v, _mm256_and_pd(colOk, rowOk));
}

/* Whether v is in [0, n) (NaN: no). */
__attribute__((target("avx2")))
static inline __m256d inside4(__m256d v, __m256d n) {
  return _mm256_and_pd(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_GE_OQ), _mm256_cmp_pd(v, n, _CMP_LT_OQ));
}

/*
 * The constant-fill warp of a one-channel image, four pixels at a time with AVX2: the same
 * double operations in the same order as warp_image (floor, compares and blends are exact),
 * hence the same bits.
 */
__attribute__((target("avx2")))
static void warp_gray_constant_avx2(const float *src, float *out, int32_t height, int32_t width, const double *k, double fill) {
  const double a0 = k[0], a1 = k[1], a2 = k[2], b0 = k[3], b1 = k[4], b2 = k[5];
  const __m256d va0 = _mm256_set1_pd(a0), va2 = _mm256_set1_pd(a2), vb0 = _mm256_set1_pd(b0), vb2 = _mm256_set1_pd(b2);
  const __m256d one = _mm256_set1_pd(1), w = _mm256_set1_pd(width), h = _mm256_set1_pd(height);
  const __m256d wmax = _mm256_set1_pd(width - 1), hmax = _mm256_set1_pd(height - 1), vfill = _mm256_set1_pd(fill);
  const __m128i vwidth = _mm_set1_epi32(width);
  for (int32_t y = 0; y < height; y++) {
    const double a1y = a1 * (double)y, b1y = b1 * (double)y;
    const __m256d va1y = _mm256_set1_pd(a1y), vb1y = _mm256_set1_pd(b1y);
    float *row = out + (int64_t)y * width;
    int32_t x = 0;
    for (; x + 4 <= width; x += 4) {
      const __m256d xv = _mm256_set_pd(x + 3, x + 2, x + 1, x);
      const __m256d sx = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(va0, xv), va1y), va2);
      const __m256d sy = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(vb0, xv), vb1y), vb2);
      const __m256d x0 = _mm256_floor_pd(sx), y0 = _mm256_floor_pd(sy);
      const __m256d fx = _mm256_sub_pd(sx, x0), fy = _mm256_sub_pd(sy, y0);
      const __m256d x1 = _mm256_add_pd(x0, one), y1 = _mm256_add_pd(y0, one);
      const __m256d inx0 = inside4(x0, w), inx1 = inside4(x1, w), iny0 = inside4(y0, h), iny1 = inside4(y1, h);
      const __m128i r0 = _mm_mullo_epi32(_mm256_cvttpd_epi32(_mm256_min_pd(_mm256_max_pd(y0, _mm256_setzero_pd()), hmax)), vwidth);
      const __m128i r1 = _mm_mullo_epi32(_mm256_cvttpd_epi32(_mm256_min_pd(_mm256_max_pd(y1, _mm256_setzero_pd()), hmax)), vwidth);
      const __m256d v00 = tap4(src, r0, x0, inx0, iny0, vfill, wmax);
      const __m256d v01 = tap4(src, r0, x1, inx1, iny0, vfill, wmax);
      const __m256d v10 = tap4(src, r1, x0, inx0, iny1, vfill, wmax);
      const __m256d v11 = tap4(src, r1, x1, inx1, iny1, vfill, wmax);
      const __m256d gx = _mm256_sub_pd(one, fx), gy = _mm256_sub_pd(one, fy);
      const __m256d top = _mm256_add_pd(_mm256_mul_pd(gx, v00), _mm256_mul_pd(fx, v01));
      const __m256d bottom = _mm256_add_pd(_mm256_mul_pd(gx, v10), _mm256_mul_pd(fx, v11));
      _mm_storeu_ps(row + x, _mm256_cvtpd_ps(_mm256_add_pd(_mm256_mul_pd(gy, top), _mm256_mul_pd(fy, bottom))));
    }
    for (; x < width; x++) row[x] = warp_gray_pixel(src, height, width, a0 * (double)x + a1y + a2, b0 * (double)x + b1y + b2, fill);
  }
}
#endif

typedef struct {
  const float *src;
  float *out;
  const int32_t *selected;
  const double *k;
  int64_t height, width, channels, size;
  int32_t mode;
  double fill;
} WarpJob;

/* Selected images [from, to) of a warp call. */
static void warp_part(const void *job, int64_t from, int64_t to, int worker) {
  (void)worker;
  const WarpJob *j = job;
  /* One-channel images with a constant fill (the digit augmentation's warp): four pixels at a time where the CPU has AVX2. */
#ifdef SSLMEM_X86_AVX2
  if (j->mode == 0 && j->channels == 1 && j->size <= INT32_MAX && __builtin_cpu_supports("avx2")) {
    for (int64_t i = from; i < to; i++) warp_gray_constant_avx2(j->src + j->selected[i] * j->size, j->out + j->selected[i] * j->size, (int32_t)j->height, (int32_t)j->width, j->k + 6 * i, j->fill);
    return;
  }
#endif
  for (int64_t i = from; i < to; i++) warp_image(j->src + j->selected[i] * j->size, j->out + j->selected[i] * j->size, j->height, j->width, j->channels, j->k + 6 * i, j->mode, j->fill);
}

static napi_value warp(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!args_call(env, info, "warp", 9, argv)) return NULL;
  size_t ns = 0, no = 0, nsel = 0;
  float *src = f32_arg(env, argv[0], &ns);
  if (src == NULL && ns > 0) return NULL;
  float *out = f32_arg(env, argv[1], &no);
  if (out == NULL && no > 0) return NULL;
  int64_t height = 0, width = 0, channels = 0;
  int32_t mode = 0;
  double fill = 0;
  CHECK(napi_get_value_int64(env, argv[2], &height));
  CHECK(napi_get_value_int64(env, argv[3], &width));
  CHECK(napi_get_value_int64(env, argv[4], &channels));
  int32_t *selected = i32_arg(env, argv[5], &nsel);
  if (selected == NULL && nsel > 0) return NULL;
  size_t nk = 0;
  const double *k = f64_arg(env, argv[6], &nk, "warp coefficients");
  if (k == NULL && nk > 0) return NULL;
  CHECK(napi_get_value_int32(env, argv[7], &mode));
  CHECK(napi_get_value_double(env, argv[8], &fill));
  if (height < 1 || width < 1 || channels < 1 || height > INT32_MAX || width > INT32_MAX || channels > INT32_MAX || mode < 0 || mode > 3 || nk != 6 * nsel || ns != no) {
    napi_throw_range_error(env, NULL, "sslmem-blas: warp: height, width, channels >= 1, mode 0 to 3, 6 coefficients per selected image, src and out of one length");
    return NULL;
  }
  int64_t size = height * width * channels;
  for (size_t i = 0; i < nsel; i++) {
    if (selected[i] < 0 || (int64_t)(selected[i] + 1) * size > (int64_t)ns) return throw_range(env, "warp image", (int64_t)(selected[i] + 1) * size, ns), NULL;
  }
  for (size_t i = 0; i < nk; i++) {
    if (!isfinite(k[i])) {
      napi_throw_range_error(env, NULL, "sslmem-blas: warp: coefficients must be finite");
      return NULL;
    }
  }
  const WarpJob job = {src, out, selected, k, height, width, channels, size, mode, fill};
  /* Images are shared with the helper thread only when each is written once (selected increasing). */
  int increasing = 1;
  for (size_t i = 1; i < nsel && increasing; i++) increasing = selected[i] > selected[i - 1];
  if (increasing) run_parts(warp_part, &job, (int64_t)nsel, part_size((int64_t)nsel, (16384 + size - 1) / size, 1));
  else warp_part(&job, 0, (int64_t)nsel, 0);
  return NULL;
}

/*
 * The natural logarithm JavaScript's Math.log computes: V8's own (v8::base::ieee754::log, which
 * the node binary exports), found in the running process; NULL where it is not there. The
 * caller checks it against Math.log before it relies on it (src/backend/native/normal-pairs.ts).
 */
typedef double (*log_function)(double);
static log_function engine_log(void) {
  static log_function found = NULL;
  static int looked = 0;
  if (!looked) {
    found = (log_function)dlsym(RTLD_DEFAULT, "_ZN2v84base7ieee7543logEd");
    looked = 1;
  }
  return found;
}

/*
 * The engine's logarithm four values at a time. V8's ln (the fdlibm algorithm: x = 2^k (1 + f)
 * with 1 + f in [sqrt(2)/2, sqrt(2)), s = f / (2 + f), a polynomial in s^2, then one of four
 * closing expressions chosen by k == 0 and by where f lies) is repeated with AVX2, every double
 * operation in its order, for the values on its main path; zero, negative, subnormal, infinite
 * and NaN inputs, and those with |f| < 2^-20 (its own short path), go to the engine's function.
 * Used only where the library has checked that it gives Math.log's bits (engineLog, below).
 */
#define LN_LN2_HI 0x1.62e42fee00000p-1
#define LN_LN2_LO 0x1.a39ef35793c76p-33
#define LN_LG1 0x1.5555555555593p-1
#define LN_LG2 0x1.999999997fa04p-2
#define LN_LG3 0x1.2492494229359p-2
#define LN_LG4 0x1.c71c51d8e78afp-3
#define LN_LG5 0x1.7466496cb03dep-3
#define LN_LG6 0x1.39a09d078c69fp-3
#define LN_LG7 0x1.2f112df3e5244p-3

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2")))
static void engine_logs_avx2(const double *x, double *out, size_t n, log_function ln) {
#define I64(v) _mm256_set1_epi64x(v)
#define F64(v) _mm256_set1_pd(v)
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256i bits = _mm256_loadu_si256((const __m256i *)(x + i));
    const __m256i hx = _mm256_srli_epi64(bits, 32);
    const __m256i m = _mm256_and_si256(hx, I64(0xfffff));
    const __m256i outside = _mm256_or_si256(_mm256_cmpgt_epi64(I64(0x00100000), hx), _mm256_cmpgt_epi64(hx, I64(0x7fefffff)));
    const __m256i near_one = _mm256_cmpgt_epi64(I64(3), _mm256_and_si256(_mm256_add_epi64(m, I64(2)), I64(0xfffff)));
    const int engine_lanes = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_or_si256(outside, near_one)));
    const __m256i half = _mm256_and_si256(_mm256_add_epi64(m, I64(0x95f64)), I64(0x100000));
    const __m256i k = _mm256_add_epi64(_mm256_sub_epi64(_mm256_srli_epi64(hx, 20), I64(1023)), _mm256_srli_epi64(half, 20));
    const __m256i high = _mm256_or_si256(m, _mm256_xor_si256(half, I64(0x3ff00000)));
    const __m256d xn = _mm256_castsi256_pd(_mm256_or_si256(_mm256_slli_epi64(high, 32), _mm256_and_si256(bits, I64(0xffffffff))));
    const __m256d f = _mm256_sub_pd(xn, F64(1.0));
    /* (double)k, exact for |k| < 2^51: the integer added to the bits of 1.5 2^52, then 1.5 2^52 taken off. */
    const __m256d dk = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_add_epi64(k, _mm256_castpd_si256(F64(0x1.8p52)))), F64(0x1.8p52));
    const __m256d s = _mm256_div_pd(f, _mm256_add_pd(F64(2.0), f));
    const __m256d z = _mm256_mul_pd(s, s);
    const __m256d w = _mm256_mul_pd(z, z);
    const __m256d t1 = _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(F64(LN_LG6), w), F64(LN_LG4)), w), F64(LN_LG2)), w);
    const __m256d t2 = _mm256_mul_pd(z, _mm256_add_pd(_mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(F64(LN_LG7), w), F64(LN_LG5)), w), F64(LN_LG3)), w), F64(LN_LG1)));
    const __m256d r = _mm256_add_pd(t1, t2);
    const __m256i ij = _mm256_or_si256(_mm256_sub_epi64(m, I64(0x6147a)), _mm256_sub_epi64(I64(0x6b851), m));
    const __m256d upper = _mm256_castsi256_pd(_mm256_cmpgt_epi64(ij, _mm256_setzero_si256()));
    const __m256d kzero = _mm256_castsi256_pd(_mm256_cmpeq_epi64(k, _mm256_setzero_si256()));
    const __m256d hi = _mm256_mul_pd(dk, F64(LN_LN2_HI));
    const __m256d lo = _mm256_mul_pd(dk, F64(LN_LN2_LO));
    /* f beyond the thresholds: with hfsq = f^2 / 2, a = s (hfsq + R) */
    const __m256d hfsq = _mm256_mul_pd(_mm256_mul_pd(F64(0.5), f), f);
    const __m256d a = _mm256_mul_pd(s, _mm256_add_pd(hfsq, r));
    const __m256d upper_k0 = _mm256_sub_pd(f, _mm256_sub_pd(hfsq, a));
    const __m256d upper_k = _mm256_sub_pd(hi, _mm256_sub_pd(_mm256_sub_pd(hfsq, _mm256_add_pd(a, lo)), f));
    /* f between them: c = s (f - R) */
    const __m256d c = _mm256_mul_pd(s, _mm256_sub_pd(f, r));
    const __m256d lower_k0 = _mm256_sub_pd(f, c);
    const __m256d lower_k = _mm256_sub_pd(hi, _mm256_sub_pd(_mm256_sub_pd(c, lo), f));
    const __m256d result = _mm256_blendv_pd(_mm256_blendv_pd(lower_k, lower_k0, kzero), _mm256_blendv_pd(upper_k, upper_k0, kzero), upper);
    if (engine_lanes == 0) {
      _mm256_storeu_pd(out + i, result);
    } else {
      double in[4], lanes[4];
      memcpy(in, x + i, sizeof in);
      _mm256_storeu_pd(lanes, result);
      for (int l = 0; l < 4; l++) out[i + l] = (engine_lanes >> l) & 1 ? ln(in[l]) : lanes[l];
    }
  }
  for (; i < n; i++) out[i] = ln(x[i]);
#undef I64
#undef F64
}
#endif

/* out[i] = the engine's ln x[i] (out may be x): four at a time with AVX2 where the CPU has it. */
static void engine_logs(const double *x, double *out, size_t n, log_function ln) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx2")) {
    engine_logs_avx2(x, out, n, ln);
    return;
  }
#endif
  for (size_t i = 0; i < n; i++) out[i] = ln(x[i]);
}

/* One step of sfc32 (src/util/rng.ts): the 32-bit draw, the state (a, b, c, d) advanced. */
static inline uint32_t sfc32_step(uint32_t st[4]) {
  const uint32_t t = st[0] + st[1] + st[3];
  st[3] = st[3] + 1;
  st[0] = st[1] ^ (st[1] >> 9);
  st[1] = st[2] + (st[2] << 3);
  st[2] = ((st[2] << 21) | (st[2] >> 11)) + t;
  return t;
}

/* Attempts of the polar method drawn ahead in one block. */
#define POLAR_BLOCK 512

/*
 * The polar method's accepted pairs from the stream of `st`: each attempt takes two draws,
 * u = 2 (t / 2^32) - 1 and v likewise, and is kept when 0 < u^2 + v^2 < 1. The draws of a
 * block of attempts come first (one chain of integer steps, no branch), then the attempts are
 * judged and the kept ones packed without a branch; a block that holds more attempts than
 * the pairs still wanted is drawn again from its start up to the last one used, so `st` ends
 * exactly where drawing pair by pair would leave it.
 */
static void polar_pairs(uint32_t st[4], double *uv, double *s, size_t ns) {
  uint32_t draws[2 * POLAR_BLOCK];
  size_t p = 0;
  while (p < ns) {
    uint32_t start[4];
    memcpy(start, st, sizeof start);
    for (int i = 0; i < 2 * POLAR_BLOCK; i++) draws[i] = sfc32_step(st);
    int used = 0;
    while (used < POLAR_BLOCK && p < ns) {
      const double u = 2 * ((double)draws[2 * used] / 4294967296.0) - 1;
      const double v = 2 * ((double)draws[2 * used + 1] / 4294967296.0) - 1;
      const double r = u * u + v * v;
      uv[2 * p] = u;
      uv[2 * p + 1] = v;
      s[p] = r;
      p += (r < 1) & (r != 0);
      used++;
    }
    if (used < POLAR_BLOCK) {
      memcpy(st, start, sizeof start);
      for (int i = 0; i < 2 * used; i++) sfc32_step(st);
    }
  }
}

/* s[p] = the polar method's factor sqrt(-2 ln s / s) of the squared radius s[p], in place, with the engine's logarithm. */
static void polar_factors(double *s, size_t n, log_function ln) {
  double logs[256];
  for (size_t p0 = 0; p0 < n; p0 += 256) {
    const size_t m = n - p0 < 256 ? n - p0 : 256;
    engine_logs(s + p0, logs, m, ln);
    for (size_t q = 0; q < m; q++) s[p0 + q] = sqrt((-2 * logs[q]) / s[p0 + q]);
  }
}

/*
 * normalPairs(state, uv, s, factors): the pairs of uniforms of Marsaglia's polar method in
 * fillStandardNormal (src/augment/gaussian-noise.ts), drawn from the sfc32 generator of
 * src/util/rng.ts whose state (a, b, c, d) is the Int32Array `state` (advanced in place): for
 * each of the s.length pairs, u = 2 (t / 2^32) - 1 and v the same from the next draw, both
 * redrawn while u^2 + v^2 is 0 or >= 1; u and v go to uv[2p] and uv[2p + 1], and s[p] is
 * u^2 + v^2, or, where `factors`, the polar method's factor sqrt(-2 ln(u^2 + v^2) / (u^2 + v^2))
 * with the engine's logarithm (an Error where the process has none: see engineLog). The same
 * integer and double operations as the JavaScript, hence the same bits.
 */
static napi_value normal_pairs(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args_call(env, info, "normalPairs", 4, argv)) return NULL;
  size_t nstate = 0, nuv = 0, ns = 0;
  int32_t *state = i32_arg(env, argv[0], &nstate);
  if (state == NULL && nstate > 0) return NULL;
  double *uv = f64_arg(env, argv[1], &nuv, "uniform pairs");
  if (uv == NULL && nuv > 0) return NULL;
  double *s = f64_arg(env, argv[2], &ns, "squared radii");
  if (s == NULL && ns > 0) return NULL;
  bool factors = false;
  CHECK(napi_get_value_bool(env, argv[3], &factors));
  if (nstate != 4 || nuv != 2 * ns) {
    napi_throw_range_error(env, NULL, "sslmem-blas: normalPairs: a state of 4 integers and two uniforms per squared radius");
    return NULL;
  }
  const log_function ln = engine_log();
  if (factors && ln == NULL) {
    napi_throw_error(env, NULL, "sslmem-blas: normalPairs: the engine's logarithm is not in this process");
    return NULL;
  }
  uint32_t st[4] = {(uint32_t)state[0], (uint32_t)state[1], (uint32_t)state[2], (uint32_t)state[3]};
  polar_pairs(st, uv, s, ns);
  for (int i = 0; i < 4; i++) state[i] = (int32_t)st[i];
  if (factors) polar_factors(s, ns, ln);
  return NULL;
}

/* Pairs drawn per block by normal_draws (its scratch: 96 KB). */
#define DRAW_PAIRS 4096

/*
 * normalDraws(state, out, std): out.length draws of N(0, std^2) into the Float32Array `out`
 * (not the heap), the pairs and factors of normalPairs drawn from `state` (advanced in place),
 * then out[2p] = u f and out[2p + 1] = v f with f = std * factor, in double, each rounded to
 * float32 once as a Float32Array store rounds: the operations of normalDraws in
 * src/train/clip-and-noise.ts, hence its bits. An odd length uses the u of the last pair only
 * (its v is drawn and dropped, as there). An Error (nothing drawn) where the process has no
 * engine logarithm.
 */
static napi_value normal_draws(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args_call(env, info, "normalDraws", 3, argv)) return NULL;
  size_t nstate = 0, n = 0;
  int32_t *state = i32_arg(env, argv[0], &nstate);
  if (state == NULL && nstate > 0) return NULL;
  float *out = f32_arg(env, argv[1], &n);
  if (out == NULL && n > 0) return NULL;
  double std = 0;
  CHECK(napi_get_value_double(env, argv[2], &std));
  if (nstate != 4) {
    napi_throw_range_error(env, NULL, "sslmem-blas: normalDraws: a state of 4 integers");
    return NULL;
  }
  const log_function ln = engine_log();
  if (ln == NULL) {
    napi_throw_error(env, NULL, "sslmem-blas: normalDraws: the engine's logarithm is not in this process");
    return NULL;
  }
  double *scratch = malloc(3 * DRAW_PAIRS * sizeof(double));
  if (scratch == NULL) {
    napi_throw_error(env, NULL, "sslmem-blas: normalDraws: out of memory");
    return NULL;
  }
  double *uv = scratch, *factors = scratch + 2 * DRAW_PAIRS;
  uint32_t st[4] = {(uint32_t)state[0], (uint32_t)state[1], (uint32_t)state[2], (uint32_t)state[3]};
  const size_t pairs = (n + 1) / 2;
  for (size_t p0 = 0; p0 < pairs; p0 += DRAW_PAIRS) {
    const size_t m = pairs - p0 < DRAW_PAIRS ? pairs - p0 : DRAW_PAIRS;
    polar_pairs(st, uv, factors, m);
    polar_factors(factors, m, ln);
    for (size_t q = 0; q < m; q++) {
      const double f = std * factors[q];
      const size_t k = 2 * (p0 + q);
      out[k] = (float)(uv[2 * q] * f);
      if (k + 1 < n) out[k + 1] = (float)(uv[2 * q + 1] * f);
    }
  }
  free(scratch);
  for (int i = 0; i < 4; i++) state[i] = (int32_t)st[i];
  return NULL;
}

/* engineLog(x): x[i] = the engine's ln x[i] in place; false (nothing written) where the process has none. */
static napi_value engine_log_values(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args_call(env, info, "engineLog", 1, argv)) return NULL;
  size_t n = 0;
  double *x = f64_arg(env, argv[0], &n, "values");
  if (x == NULL && n > 0) return NULL;
  const log_function ln = engine_log();
  if (ln != NULL) engine_logs(x, x, n, ln);
  napi_value out;
  CHECK(napi_get_boolean(env, ln != NULL, &out));
  return out;
}

/*
 * addNoise(src, out, selected, size, std, clip, uv, factors): image selected[k] of `src` (images
 * of `size` values, plain Float32Arrays, not the heap) plus std times its normals, clipped to
 * [0, 1] where `clip`, into `out`. Image k takes the ceil(size / 2) pairs from k ceil(size / 2)
 * on: value j is uv[2p + j % 2] factors[p], p = k ceil(size / 2) + j / 2 (the odd last value's
 * partner unused). The double arithmetic of gaussianNoise's loop, rounded to float once.
 */
static napi_value add_noise(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  if (!args_call(env, info, "addNoise", 8, argv)) return NULL;
  size_t ns = 0, no = 0, nsel = 0, nuv = 0, nf = 0;
  float *src = f32_arg(env, argv[0], &ns);
  if (src == NULL && ns > 0) return NULL;
  float *out = f32_arg(env, argv[1], &no);
  if (out == NULL && no > 0) return NULL;
  int32_t *selected = i32_arg(env, argv[2], &nsel);
  if (selected == NULL && nsel > 0) return NULL;
  int64_t size = 0;
  double std = 0;
  bool clip = false;
  CHECK(napi_get_value_int64(env, argv[3], &size));
  CHECK(napi_get_value_double(env, argv[4], &std));
  CHECK(napi_get_value_bool(env, argv[5], &clip));
  const double *uv = f64_arg(env, argv[6], &nuv, "uniform pairs");
  if (uv == NULL && nuv > 0) return NULL;
  const double *factors = f64_arg(env, argv[7], &nf, "factors");
  if (factors == NULL && nf > 0) return NULL;
  const int64_t per = (size + 1) / 2;
  if (size < 1 || ns != no || nuv != 2 * nf || (int64_t)nf != per * (int64_t)nsel) {
    napi_throw_range_error(env, NULL, "sslmem-blas: addNoise: size >= 1, src and out of one length, ceil(size / 2) pairs and factors per selected image");
    return NULL;
  }
  for (size_t i = 0; i < nsel; i++) {
    if (selected[i] < 0 || (int64_t)(selected[i] + 1) * size > (int64_t)ns) return throw_range(env, "addNoise image", (int64_t)(selected[i] + 1) * size, ns), NULL;
  }
  for (size_t k = 0; k < nsel; k++) {
    const float *x = src + (int64_t)selected[k] * size;
    float *y = out + (int64_t)selected[k] * size;
    const double *pairs = uv + 2 * per * (int64_t)k;
    const double *f = factors + per * (int64_t)k;
    for (int64_t j = 0; j < size; j++) {
      const double normal = pairs[j] * f[j >> 1];
      const double v = (double)x[j] + std * normal;
      y[j] = (float)(clip ? (v < 0 ? 0 : v > 1 ? 1 : v) : v);
    }
  }
  return NULL;
}

/* setThreads(n): the BLAS's threads for the calls that follow (OpenBLAS only; else a no-op). Returns the count in force. */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t threads = 1;
  if (argc >= 1) CHECK(napi_get_value_int32(env, argv[0], &threads));
  int32_t now = 1;
#ifdef SSLMEM_OPENBLAS
  if (threads >= 1) openblas_set_num_threads(threads);
  now = openblas_get_num_threads();
#endif
  /* Our own kernels share their parts with the helper thread where two are in force. */
  atomic_store(&pool_threads, threads >= 2 ? 2 : 1);
  napi_value out;
  CHECK(napi_create_int32(env, now, &out));
  return out;
}

static napi_status set_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value text;
  napi_status status = napi_create_string_utf8(env, value == NULL ? "" : value, NAPI_AUTO_LENGTH, &text);
  if (status != napi_ok) return status;
  return napi_set_named_property(env, object, key, text);
}

/* info(): { name, config, core, threads } of the BLAS this binding was linked with. */
static napi_value blas_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_object(env, &out));
  CHECK(set_string(env, out, "name", SSLMEM_BLAS_NAME));
#ifdef SSLMEM_OPENBLAS
  CHECK(set_string(env, out, "config", openblas_get_config()));
  CHECK(set_string(env, out, "core", openblas_get_corename()));
  napi_value threads;
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &threads));
  CHECK(napi_set_named_property(env, out, "threads", threads));
#endif
  return out;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor properties[] = {
      {"sgemmBatch", NULL, sgemm_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"convGrid", NULL, conv_grid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"batchNorm", NULL, batch_norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"stridedCopy", NULL, strided_copy, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gelu", NULL, gelu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exp", NULL, exp_call, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ema", NULL, ema, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_enumerable, NULL},
      {"layerNorm", NULL, layer_norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"l2norm", NULL, l2norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"negcos", NULL, negcos_call, NULL, NULL, NULL, napi_enumerable, NULL},
      {"denseBatchNorm", NULL, dense_batch_norm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"columnSums", NULL, column_sums, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rowSums", NULL, row_sums, NULL, NULL, NULL, napi_enumerable, NULL},
      {"warp", NULL, warp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"normalPairs", NULL, normal_pairs, NULL, NULL, NULL, napi_enumerable, NULL},
      {"normalDraws", NULL, normal_draws, NULL, NULL, NULL, napi_enumerable, NULL},
      {"engineLog", NULL, engine_log_values, NULL, NULL, NULL, napi_enumerable, NULL},
      {"addNoise", NULL, add_noise, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, blas_info, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok) return NULL;
  return exports;
}

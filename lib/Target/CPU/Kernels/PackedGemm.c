/*===- PackedGemm.c - GEMMs on constant weights packed once ---------------===*
 *
 * Linked into the host code of every artifact that calls it (a static
 * archive, libweft_cpu_kernels.a): oneDNN's sgemm re-packs both operands on
 * every call, which for a constant weight matrix is work done again on
 * every run (13-15% of a 64x1024x784 GEMM on this CPU). Here the first call
 * at a call site builds oneDNN's matmul primitive with the weights in the
 * layout it prefers, reorders the weights into it once, and keeps both in
 * the call site's cache word; later calls only execute the primitive.
 *
 * Written in C so that an artifact needs no C++ runtime for it. Anything
 * unexpected (oneDNN cannot build the primitive, a call with other
 * arguments than the first) falls back to dnnl_sgemm, which computes the
 * same product.
 *
 *===----------------------------------------------------------------------===*/

#include <dnnl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

/* A call site's primitive, its packed weights and the arguments they were
   made for. */
typedef struct Packed {
  struct Packed *next;
  dnnl_primitive_t matmul;
  dnnl_memory_t weights;
  dnnl_memory_desc_t src, dst, scratchpad;
  char transa, transb;
  int64_t m, n, k, lda, ldb, ldc;
  float beta;
  const float *b;
} Packed;

/* What a cache word holds when oneDNN could not build the primitive. */
static Packed unavailable;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_engine_t engine; /* created under `lock` */
static Packed *all;          /* every cached primitive, under `lock` */

static void release(Packed *p) {
  if (p->matmul)
    dnnl_primitive_destroy(p->matmul);
  if (p->weights)
    dnnl_memory_destroy(p->weights);
  free(p);
}

/* When the host code is unloaded. */
__attribute__((destructor)) static void releaseAll(void) {
  while (all) {
    Packed *next = all->next;
    release(all);
    all = next;
  }
  if (engine)
    dnnl_engine_destroy(engine);
  engine = NULL;
}

/* The engine, made at the first call; `lock` is held. */
static dnnl_engine_t getEngine(void) {
  if (!engine && dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success)
    engine = NULL;
  return engine;
}

/* A row-major rows x cols matrix with leading dimension `ld`, read
   transposed (element (i, j) at i + j * ld) if `transposed`. */
static int matrixDesc(dnnl_memory_desc_t *desc, int64_t rows, int64_t cols,
                      int64_t ld, int transposed) {
  dnnl_dims_t dims = {rows, cols};
  dnnl_dims_t strides = {transposed ? 1 : ld, transposed ? ld : 1};
  return dnnl_memory_desc_init_by_strides(desc, 2, dims, dnnl_f32, strides) ==
         dnnl_success;
}

static int execute(dnnl_primitive_t primitive, int count,
                   const dnnl_exec_arg_t *args) {
  dnnl_stream_t stream;
  if (dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) !=
      dnnl_success)
    return 0;
  int ok =
      dnnl_primitive_execute(primitive, stream, count, args) == dnnl_success &&
      dnnl_stream_wait(stream) == dnnl_success;
  dnnl_stream_destroy(stream);
  return ok;
}

/* The primitive for these arguments with `b` packed, or NULL; `lock` is
   held (one packing at a time: reorders use oneDNN's own scratchpad). */
static Packed *pack(char transa, char transb, int64_t m, int64_t n, int64_t k,
                    int64_t lda, const float *b, int64_t ldb, float beta,
                    int64_t ldc) {
  dnnl_engine_t eng = getEngine();
  Packed *p = calloc(1, sizeof(Packed));
  if (!eng || !p) {
    free(p);
    return NULL;
  }
  *p = (Packed){.transa = transa,
                .transb = transb,
                .m = m,
                .n = n,
                .k = k,
                .lda = lda,
                .ldb = ldb,
                .ldc = ldc,
                .beta = beta,
                .b = b};
  dnnl_memory_desc_t plain, any;
  dnnl_dims_t dims = {k, n};
  dnnl_matmul_desc_t desc;
  dnnl_primitive_attr_t attr = NULL;
  dnnl_post_ops_t ops = NULL;
  dnnl_primitive_desc_t pd = NULL, reorderPd = NULL;
  dnnl_primitive_t reorder = NULL;
  dnnl_memory_t source = NULL;
  int ok =
      matrixDesc(&p->src, m, k, lda, transa == 'T') &&
      matrixDesc(&plain, k, n, ldb, transb == 'T') &&
      matrixDesc(&p->dst, m, n, ldc, 0) &&
      dnnl_memory_desc_init_by_tag(&any, 2, dims, dnnl_f32,
                                   dnnl_format_tag_any) == dnnl_success &&
      dnnl_matmul_desc_init(&desc, &p->src, &any, NULL, &p->dst) ==
          dnnl_success &&
      dnnl_primitive_attr_create(&attr) == dnnl_success &&
      /* Each call brings its own scratchpad: calls from several threads
         (a batch's samples on several devices) run the primitive at once. */
      dnnl_primitive_attr_set_scratchpad_mode(
          attr, dnnl_scratchpad_mode_user) == dnnl_success &&
      dnnl_post_ops_create(&ops) == dnnl_success &&
      /* beta 1: the product is added to what C holds (a bias). */
      (beta == 0.0f || dnnl_post_ops_append_sum(ops, 1.0f) == dnnl_success) &&
      dnnl_primitive_attr_set_post_ops(attr, ops) == dnnl_success &&
      dnnl_primitive_desc_create(&pd, &desc, attr, eng, NULL) == dnnl_success &&
      dnnl_primitive_create(&p->matmul, pd) == dnnl_success &&
      (p->scratchpad =
           *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0),
       1) &&
      dnnl_memory_create(
          &p->weights,
          dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), eng,
          DNNL_MEMORY_ALLOCATE) == dnnl_success &&
      dnnl_memory_create(&source, &plain, eng, (void *)(uintptr_t)b) ==
          dnnl_success &&
      dnnl_reorder_primitive_desc_create(
          &reorderPd, &plain, eng,
          dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0), eng,
          NULL) == dnnl_success &&
      dnnl_primitive_create(&reorder, reorderPd) == dnnl_success;
  if (ok) {
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, source},
                               {DNNL_ARG_TO, p->weights}};
    ok = execute(reorder, 2, args);
  }
  if (reorder)
    dnnl_primitive_destroy(reorder);
  if (reorderPd)
    dnnl_primitive_desc_destroy(reorderPd);
  if (source)
    dnnl_memory_destroy(source);
  if (pd)
    dnnl_primitive_desc_destroy(pd);
  if (ops)
    dnnl_post_ops_destroy(ops);
  if (attr)
    dnnl_primitive_attr_destroy(attr);
  if (!ok) {
    release(p);
    return NULL;
  }
  return p;
}

/* C = A B + beta C (beta 0 or 1), row-major, B constant across calls at
   this call site; `cache` is the call site's word, zero at first. Returns
   0 on success (dnnl_sgemm's status where it falls back to it). */
int weft_sgemm_packed(void **cache, char transa, char transb, int64_t m,
                      int64_t n, int64_t k, const float *a, int64_t lda,
                      const float *b, int64_t ldb, float beta, float *c,
                      int64_t ldc) {
  _Atomic(Packed *) *word = (_Atomic(Packed *) *)cache;
  Packed *p = atomic_load_explicit(word, memory_order_acquire);
  if (!p) {
    pthread_mutex_lock(&lock);
    p = atomic_load_explicit(word, memory_order_acquire);
    if (!p) {
      Packed *made = pack(transa, transb, m, n, k, lda, b, ldb, beta, ldc);
      if (made) {
        made->next = all;
        all = made;
      }
      p = made ? made : &unavailable;
      atomic_store_explicit(word, p, memory_order_release);
    }
    pthread_mutex_unlock(&lock);
  }
  if (p == &unavailable || p->transa != transa || p->transb != transb ||
      p->m != m || p->n != n || p->k != k || p->lda != lda || p->ldb != ldb ||
      p->ldc != ldc || p->beta != beta || p->b != b)
    return (int)dnnl_sgemm(transa, transb, m, n, k, 1.0f, a, lda, b, ldb, beta,
                           c, ldc);
  dnnl_memory_t src = NULL, dst = NULL, scratchpad = NULL;
  size_t scratchBytes = dnnl_memory_desc_get_size(&p->scratchpad);
  void *scratch = scratchBytes ? malloc(scratchBytes) : NULL;
  int ok = (!scratchBytes || scratch) &&
           dnnl_memory_create(&src, &p->src, engine, (void *)(uintptr_t)a) ==
               dnnl_success &&
           dnnl_memory_create(&dst, &p->dst, engine, c) == dnnl_success &&
           dnnl_memory_create(&scratchpad, &p->scratchpad, engine, scratch) ==
               dnnl_success;
  if (ok) {
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, src},
                               {DNNL_ARG_WEIGHTS, p->weights},
                               {DNNL_ARG_DST, dst},
                               {DNNL_ARG_SCRATCHPAD, scratchpad}};
    ok = execute(p->matmul, 4, args);
  }
  if (src)
    dnnl_memory_destroy(src);
  if (dst)
    dnnl_memory_destroy(dst);
  if (scratchpad)
    dnnl_memory_destroy(scratchpad);
  free(scratch);
  return ok ? 0 : (int)dnnl_runtime_error;
}

/*
 * litnotes' one native helper (runtime/nativeMemory.ts loads it where it was built): `trim()` asks
 * glibc's malloc to give the system back the free memory it holds (malloc_trim). Array buffers and
 * the messages between the server's threads are allocated by malloc, and once freed glibc keeps
 * most of that memory in its arenas, counted in the process's RSS, until a call like this one.
 * The call walks every arena (up to ~15 ms at 100,000 papers), so it runs on a thread of libuv's
 * pool, not on the thread that asks: `trim()` returns a promise of whether memory was given back.
 * Elsewhere than glibc it resolves to false.
 */
#include <stdlib.h>
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int released;
} Trim;

static void TrimOffThread(napi_env env, void *data) {
  (void)env;
  Trim *trim = data;
#if defined(__GLIBC__)
  trim->released = malloc_trim(0);
#else
  trim->released = 0;
#endif
}

static void TrimDone(napi_env env, napi_status status, void *data) {
  Trim *trim = data;
  napi_value result;
  napi_get_boolean(env, status == napi_ok && trim->released != 0, &result);
  napi_resolve_deferred(env, trim->deferred, result);
  napi_delete_async_work(env, trim->work);
  free(trim);
}

static napi_value StartTrim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value promise, name;
  Trim *trim = calloc(1, sizeof(Trim));
  if (!trim || napi_create_promise(env, &trim->deferred, &promise) != napi_ok) {
    free(trim);
    napi_throw_error(env, NULL, "could not start a trim");
    return NULL;
  }
  if (napi_create_string_utf8(env, "litnotes.trim", NAPI_AUTO_LENGTH, &name) != napi_ok
      || napi_create_async_work(env, NULL, name, TrimOffThread, TrimDone, trim, &trim->work) != napi_ok) {
    trim->work = NULL;
  } else if (napi_queue_async_work(env, trim->work) == napi_ok) {
    return promise;
  }
  // Not started: the promise says so, and nothing is left behind.
  napi_value message, error;
  if (trim->work) napi_delete_async_work(env, trim->work);
  napi_create_string_utf8(env, "could not start a trim", NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  napi_reject_deferred(env, trim->deferred, error);
  free(trim);
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "trim", NAPI_AUTO_LENGTH, StartTrim, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "trim", fn) != napi_ok) return NULL;
  return exports;
}

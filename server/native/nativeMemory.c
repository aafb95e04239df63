/*
 * litnotes' one native helper (runtime/nativeMemory.ts loads it where it was built): `trim()` asks
 * glibc's malloc to give the system back the free memory it holds (malloc_trim). Array buffers and
 * the messages between the server's threads are allocated by malloc, and once freed glibc keeps
 * most of that memory in its arenas, counted in the process's RSS, until a call like this one.
 * Elsewhere than glibc `trim()` does nothing and returns false.
 */
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static napi_value Trim(napi_env env, napi_callback_info info) {
  (void)info;
  int released = 0;
#if defined(__GLIBC__)
  released = malloc_trim(0);
#endif
  napi_value result;
  napi_get_boolean(env, released != 0, &result);
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "trim", NAPI_AUTO_LENGTH, Trim, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "trim", fn) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE_INIT() {
  return Init(env, exports);
}

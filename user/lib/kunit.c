// SPDX-License-Identifier: GPL-2.0-only
/*
 * User-space compat: the KUnit runner.
 *
 * Runs the suites registered with kunit_test_suites() in registration
 * (link) order and prints KTAP version 1 the way the kernel's KUnit does.
 * A case fails on a failed expectation or assertion, and also when a WARN
 * fired or page allocations leaked while it ran.
 *
 * Usage: program [-l] [GLOB[.GLOB]]
 *	-l	list the cases instead of running them
 *	GLOB	run only the suites matching GLOB (and the cases matching the
 *		second GLOB), like kunit.py's filter_glob
 */
#include <fnmatch.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/mm.h>

#include "user_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define USER_DEATH_CALLBACK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USER_DEATH_CALLBACK 1
#endif
#endif

#ifdef USER_DEATH_CALLBACK
#include <sanitizer/common_interface_defs.h>
#endif

/* Where a failed assertion of the running case jumps to */
struct kunit_user_run {
	jmp_buf abort_env;
	bool inited;
};

/* Static: what changes between setjmp() and longjmp() must not be local */
static struct kunit_user_run user_run;

struct kunit_user_action {
	struct list_head node;
	kunit_action_t *action;
	void *ctx;
};

static struct kunit_suite **user_suites;
static unsigned int user_num_suites;

static __thread struct kunit *user_current_test;

/* What runs, for the results printed when a sanitizer ends the program */
static const char *user_running_suite, *user_running_case;
static unsigned long user_running_suite_num, user_running_case_num;
static pthread_mutex_t user_resource_lock = PTHREAD_MUTEX_INITIALIZER;

void __kunit_register_suites(struct kunit_suite *const *suites,
			     unsigned int num_suites)
{
	struct kunit_suite **all;
	unsigned int i;

	all = realloc(user_suites,
		      sizeof(*all) * (user_num_suites + num_suites));
	if (!all) {
		perror("realloc");
		abort();
	}
	for (i = 0; i != num_suites; i++)
		all[user_num_suites + i] = suites[i];
	user_suites = all;
	user_num_suites += num_suites;
}

bool kunit_enabled(void)
{
	return true;
}

struct kunit *kunit_get_current_test(void)
{
	return user_current_test;
}

void __kunit_log(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	user_print_line(fmt, args);
	va_end(args);
}

static void __printf(2, 3) user_test_line(struct kunit *test,
					  const char *fmt, ...)
{
	char buf[1024];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	__kunit_log(KUNIT_SUBTEST_INDENT "# %s: %s", test->name, buf);
}

void __kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
{
	va_list args;

	WRITE_ONCE(test->status, KUNIT_SKIPPED);
	va_start(args, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt,
		  args);
	va_end(args);
}

void __kunit_abort(struct kunit *test)
{
	if (test == user_current_test && test->run)
		longjmp(test->run->abort_env, 1);
	/*
	 * Another thread of the test: the kernel would end that kthread, end
	 * this thread.
	 */
	kunit_set_failure(test);
	pthread_exit(NULL);
}

static void user_print_hex(const char *name, const void *p, size_t size)
{
	const u8 *b = p;
	char line[3 * 16 + 1];
	size_t i;

	if (!p) {
		__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s is NULL", name);
		return;
	}
	__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s ==", name);
	for (i = 0; i < size; i++) {
		snprintf(line + 3 * (i % 16), 4, "%02x ", b[i]);
		if (i % 16 == 15 || i + 1 == size)
			__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s", line);
	}
}

void __kunit_do_failed_assertion(struct kunit *test,
				 enum kunit_assert_type type,
				 const struct kunit_user_assert *a,
				 const char *fmt, ...)
{
	const char *l = a->left_text, *r = a->right_text;
	va_list args;

	kunit_set_failure(test);
	user_test_line(test, "%s FAILED at %s:%d",
		       type == KUNIT_ASSERTION ? "ASSERTION" : "EXPECTATION",
		       a->file, a->line);

	switch (a->kind) {
	case KUNIT_USER_FAIL:
		break;
	case KUNIT_USER_UNARY:
		__kunit_log(KUNIT_SUBTEST_INDENT "Expected %s to be %s, but is %s",
			    l, a->expect_true ? "true" : "false",
			    a->expect_true ? "false" : "true");
		break;
	case KUNIT_USER_INT:
		__kunit_log(KUNIT_SUBTEST_INDENT "Expected %s %s %s, but", l,
			    a->op_text, r);
		__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s == %lld (0x%llx)", l,
			    a->left_int, a->left_int);
		__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s == %lld (0x%llx)", r,
			    a->right_int, a->right_int);
		break;
	case KUNIT_USER_PTR:
		__kunit_log(KUNIT_SUBTEST_INDENT "Expected %s %s %s, but", l,
			    a->op_text, r);
		__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s == %p", l, a->left_ptr);
		__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s == %p", r,
			    a->right_ptr);
		break;
	case KUNIT_USER_STR:
		__kunit_log(KUNIT_SUBTEST_INDENT "Expected %s %s %s, but", l,
			    a->op_text, r);
		__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"", l,
			    (const char *)a->left_ptr);
		__kunit_log(KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"", r,
			    (const char *)a->right_ptr);
		break;
	case KUNIT_USER_MEM:
		__kunit_log(KUNIT_SUBTEST_INDENT "Expected %s %s %s, but", l,
			    a->op_text, r);
		user_print_hex(l, a->left_ptr, a->size);
		user_print_hex(r, a->right_ptr, a->size);
		break;
	case KUNIT_USER_ERR_OR_NULL:
		if (!a->left_ptr)
			__kunit_log(KUNIT_SUBTEST_INDENT
				    "Expected %s is not null, but is", l);
		else
			__kunit_log(KUNIT_SUBTEST_INDENT
				    "Expected %s is not error, but is: %ld",
				    l, PTR_ERR(a->left_ptr));
		break;
	}

	if (fmt) {
		char buf[1024];

		va_start(args, fmt);
		vsnprintf(buf, sizeof(buf), fmt, args);
		va_end(args);
		__kunit_log(KUNIT_SUBTEST_INDENT "%s", buf);
	}
}

void __kunit_fail_current_test_impl(const char *file, int line,
				    const char *fmt, ...)
{
	struct kunit *test = user_current_test;
	char buf[1024];
	va_list args;

	if (!test)
		return;
	kunit_set_failure(test);
	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	user_test_line(test, "%s:%d: %s", file, line, buf);
}

/* Resources */

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_user_action *res = malloc(sizeof(*res));

	if (!res)
		return -ENOMEM;
	res->action = action;
	res->ctx = ctx;
	pthread_mutex_lock(&user_resource_lock);
	list_add(&res->node, &test->resources);
	pthread_mutex_unlock(&user_resource_lock);
	return 0;
}

int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx)
{
	int ret = kunit_add_action(test, action, ctx);

	if (ret)
		action(ctx);
	return ret;
}

static struct kunit_user_action *
user_take_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_user_action *res;

	pthread_mutex_lock(&user_resource_lock);
	list_for_each_entry(res, &test->resources, node) {
		if (res->action == action && res->ctx == ctx) {
			list_del(&res->node);
			pthread_mutex_unlock(&user_resource_lock);
			return res;
		}
	}
	pthread_mutex_unlock(&user_resource_lock);
	return NULL;
}

void kunit_remove_action(struct kunit *test, kunit_action_t *action,
			 void *ctx)
{
	free(user_take_action(test, action, ctx));
}

void kunit_release_action(struct kunit *test, kunit_action_t *action,
			  void *ctx)
{
	struct kunit_user_action *res = user_take_action(test, action, ctx);

	if (res) {
		res->action(res->ctx);
		free(res);
	}
}

static void user_release_all(struct kunit *test)
{
	struct kunit_user_action *res;

	for (;;) {
		pthread_mutex_lock(&user_resource_lock);
		if (list_empty(&test->resources)) {
			pthread_mutex_unlock(&user_resource_lock);
			return;
		}
		res = list_first_entry(&test->resources,
				       struct kunit_user_action, node);
		list_del(&res->node);
		pthread_mutex_unlock(&user_resource_lock);
		res->action(res->ctx);
		free(res);
	}
}

static void user_free_action(void *p)
{
	free(p);
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
			  gfp_t gfp)
{
	void *p = kmalloc_array(n, size, gfp);

	if (p && kunit_add_action_or_reset(test, user_free_action, p))
		return NULL;
	return p;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	if (ptr)
		kunit_release_action(test, user_free_action, (void *)ptr);
}

struct device *kunit_device_register(struct kunit *test, const char *name)
{
	struct device *dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->init_name = name;
	dev->numa_node = NUMA_NO_NODE;
	return dev;
}

void kunit_device_unregister(struct kunit *test, struct device *dev)
{
	kunit_kfree(test, dev);
}

/* Running */

struct user_stats {
	unsigned long passed, failed, skipped, total;
};

static void user_count(struct user_stats *stats, enum kunit_status status)
{
	stats->total++;
	if (status == KUNIT_SUCCESS)
		stats->passed++;
	else if (status == KUNIT_FAILURE)
		stats->failed++;
	else
		stats->skipped++;
}

static void user_add_stats(struct user_stats *to, const struct user_stats *s)
{
	to->passed += s->passed;
	to->failed += s->failed;
	to->skipped += s->skipped;
	to->total += s->total;
}

static void user_print_stats(const char *indent, const char *name,
			     const struct user_stats *s)
{
	/* Like the kernel, only when there is more than one result */
	if (s->total <= 1)
		return;
	__kunit_log("%s# %s: pass:%lu fail:%lu skip:%lu total:%lu", indent, name,
		    s->passed, s->failed, s->skipped, s->total);
}

static void user_print_result(const char *indent, enum kunit_status status,
			      unsigned long num, const char *name,
			      const char *comment)
{
	__kunit_log("%s%s %lu %s%s%s", indent,
		    status == KUNIT_FAILURE ? "not ok" : "ok", num, name,
		    status == KUNIT_SKIPPED ? " # SKIP " : "",
		    status == KUNIT_SKIPPED ? comment : "");
}

/* Run one case (one parameter of it) with its init and exit */
static void user_run_one(struct kunit_suite *suite, struct kunit_case *tc,
			 struct kunit *test)
{
	struct kunit_user_run *run = &user_run;
	unsigned long warns = user_warn_count();
	unsigned long pages = user_pages_in_use();

	__atomic_fetch_add(&user_warn_epoch, 1, __ATOMIC_RELAXED);
	run->inited = false;
	test->run = run;
	user_current_test = test;

	if (!setjmp(run->abort_env)) {
		if (suite->init) {
			int ret = suite->init(test);

			if (ret) {
				user_test_line(test, "failed to initialize: %d",
					       ret);
				kunit_set_failure(test);
				goto out;
			}
		}
		run->inited = true;
		tc->run_case(test);
	}
	if (run->inited && suite->exit) {
		if (!setjmp(run->abort_env))
			suite->exit(test);
	}
out:
	user_release_all(test);
	user_current_test = NULL;
	test->run = NULL;

	if (user_warn_count() != warns) {
		user_test_line(test, "%lu WARN(s) fired during the test",
			       user_warn_count() - warns);
		kunit_set_failure(test);
	}
	if (user_pages_in_use() > pages) {
		user_test_line(test, "%lu page allocation(s) leaked",
			       user_pages_in_use() - pages);
		kunit_set_failure(test);
	}
}

static void user_init_test(struct kunit *test, struct kunit_case *tc)
{
	memset(test, 0, sizeof(*test));
	test->name = tc->name;
	test->status = KUNIT_SUCCESS;
	INIT_LIST_HEAD(&test->resources);
}

static bool user_match(const char *glob, const char *name)
{
	return !glob || !fnmatch(glob, name, 0);
}

static unsigned long user_num_cases(struct kunit_suite *suite,
				    const char *case_glob)
{
	struct kunit_case *tc;
	unsigned long n = 0;

	kunit_suite_for_each_test_case(suite, tc)
		n += user_match(case_glob, tc->name);
	return n;
}

static enum kunit_status user_run_suite(struct kunit_suite *suite,
					const char *case_glob,
					struct user_stats *totals)
{
	struct user_stats suite_stats = {}, param_totals = {};
	enum kunit_status suite_status = KUNIT_SKIPPED;
	unsigned long num = 0;
	struct kunit_case *tc;

	__kunit_log(KUNIT_SUBTEST_INDENT "KTAP version 1");
	__kunit_log(KUNIT_SUBTEST_INDENT "# Subtest: %s", suite->name);
	__kunit_log(KUNIT_SUBTEST_INDENT "1..%lu",
		    user_num_cases(suite, case_glob));

	if (suite->suite_init) {
		suite->suite_init_err = suite->suite_init(suite);
		if (suite->suite_init_err) {
			__kunit_log(KUNIT_SUBTEST_INDENT
				    "# failed to initialize (%d)",
				    suite->suite_init_err);
			totals->failed++;
			totals->total++;
			return KUNIT_FAILURE;
		}
	}

	kunit_suite_for_each_test_case(suite, tc) {
		struct user_stats param_stats = {};
		char desc[KUNIT_PARAM_DESC_SIZE];
		struct kunit test;

		if (!user_match(case_glob, tc->name))
			continue;
		num++;
		user_running_case = tc->name;
		user_running_case_num = num;
		user_init_test(&test, tc);

		if (!tc->generate_params) {
			user_run_one(suite, tc, &test);
			tc->status = test.status;
			user_count(&param_stats, test.status);
		} else {
			__kunit_log(KUNIT_SUBSUBTEST_INDENT "KTAP version 1");
			__kunit_log(KUNIT_SUBSUBTEST_INDENT "# Subtest: %s",
				    tc->name);
			desc[0] = 0;
			test.param_value = tc->generate_params(NULL, desc);
			tc->status = KUNIT_SKIPPED;
			while (test.param_value) {
				const void *param = test.param_value;
				int index = test.param_index;

				user_run_one(suite, tc, &test);
				if (!desc[0])
					snprintf(desc, sizeof(desc),
						 "param-%d", index);
				user_print_result(KUNIT_SUBSUBTEST_INDENT,
						  test.status, index + 1, desc,
						  test.status_comment);
				user_count(&param_stats, test.status);
				if (test.status == KUNIT_FAILURE ||
				    tc->status == KUNIT_SKIPPED)
					tc->status = test.status;

				user_init_test(&test, tc);
				desc[0] = 0;
				test.param_value =
					tc->generate_params(param, desc);
				test.param_index = index + 1;
			}
			user_print_stats(KUNIT_SUBTEST_INDENT, tc->name,
					 &param_stats);
		}

		user_print_result(KUNIT_SUBTEST_INDENT, tc->status, num,
				  tc->name, test.status_comment);
		user_count(&suite_stats, tc->status);
		user_add_stats(&param_totals, &param_stats);
		if (tc->status == KUNIT_FAILURE ||
		    suite_status == KUNIT_SKIPPED)
			suite_status = tc->status;
	}

	user_running_case = NULL;
	if (suite->suite_exit)
		suite->suite_exit(suite);

	user_print_stats("", suite->name, &suite_stats);
	if (param_totals.total > 1)
		__kunit_log("# Totals: pass:%lu fail:%lu skip:%lu total:%lu",
			    param_totals.passed, param_totals.failed,
			    param_totals.skipped, param_totals.total);
	user_add_stats(totals, &param_totals);
	return suite_status;
}

static void user_list(const char *suite_glob, const char *case_glob)
{
	struct kunit_case *tc;
	unsigned int i;

	for (i = 0; i != user_num_suites; i++) {
		struct kunit_suite *suite = user_suites[i];

		if (!user_match(suite_glob, suite->name))
			continue;
		kunit_suite_for_each_test_case(suite, tc)
			if (user_match(case_glob, tc->name))
				printf("%s.%s\n", suite->name, tc->name);
	}
}

#ifdef USER_DEATH_CALLBACK
/* A sanitizer found an error and ends the program: close the KTAP */
static void user_death_callback(void)
{
	fflush(stderr);
	if (user_running_case)
		printf(KUNIT_SUBTEST_INDENT "# %s: crashed\n"
		       KUNIT_SUBTEST_INDENT "not ok %lu %s\n",
		       user_running_case, user_running_case_num,
		       user_running_case);
	if (user_running_suite)
		printf("not ok %lu %s\n", user_running_suite_num,
		       user_running_suite);
	fflush(stdout);
}
#endif

int main(int argc, char **argv)
{
	const char *suite_glob = NULL, *case_glob = NULL;
	struct user_stats totals = {};
	bool list = false, failed = false;
	unsigned long num_suites = 0, num = 0;
	char *filter = NULL;
	unsigned int i;
	int arg;

	for (arg = 1; arg < argc; arg++) {
		if (!strcmp(argv[arg], "-l")) {
			list = true;
			continue;
		}
		if (argv[arg][0] == '-' || filter) {
			fprintf(stderr, "usage: %s [-l] [SUITE_GLOB[.CASE_GLOB]]\n",
				argv[0]);
			return 2;
		}
		filter = strdup(argv[arg]);
		suite_glob = filter;
		case_glob = strchr(filter, '.');
		if (case_glob)
			*(char *)case_glob++ = 0;
	}

#ifdef USER_DEATH_CALLBACK
	__sanitizer_set_death_callback(user_death_callback);
#endif
	if (list) {
		user_list(suite_glob, case_glob);
		free(filter);
		return 0;
	}

	for (i = 0; i != user_num_suites; i++)
		num_suites += user_match(suite_glob, user_suites[i]->name) &&
			      user_num_cases(user_suites[i], case_glob);

	__kunit_log("KTAP version 1");
	__kunit_log("1..%lu", num_suites);
	for (i = 0; i != user_num_suites; i++) {
		struct kunit_suite *suite = user_suites[i];
		enum kunit_status status;

		if (!user_match(suite_glob, suite->name) ||
		    !user_num_cases(suite, case_glob))
			continue;
		user_running_suite = suite->name;
		user_running_suite_num = num + 1;
		status = user_run_suite(suite, case_glob, &totals);
		user_running_suite = NULL;
		failed |= status == KUNIT_FAILURE;
		user_print_result("", status, ++num, suite->name, "");
	}
	free(filter);
	free(user_suites);

	if (user_pages_in_use()) {
		__kunit_log("# %lu page allocation(s) not freed at exit",
			    user_pages_in_use());
		failed = true;
	}
	if (!num_suites) {
		__kunit_log("# no test suite matches");
		failed = true;
	}
	return failed ? 1 : 0;
}

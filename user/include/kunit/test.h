/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space compat: the KUnit test API of Linux 6.12.
 *
 * Suites register themselves with kunit_test_suites() (a constructor) and
 * user/lib/kunit.c runs them, printing KTAP like the kernel's KUnit.
 * Differences from the kernel:
 * - a case runs on the main thread; a failed ASSERT leaves it with longjmp()
 *   (from another thread it fails the test and ends that thread);
 * - a case fails when a WARN fired or page allocations leaked during it;
 * - a crash ends the whole program (with a sanitizer report).
 */
#ifndef __USER_KUNIT_TEST_H
#define __USER_KUNIT_TEST_H

#include <linux/args.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kconfig.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/rwonce.h>

struct kunit;

#define KUNIT_PARAM_DESC_SIZE 128
#define KUNIT_STATUS_COMMENT_SIZE 256
#define KUNIT_INDENT_LEN 4
#define KUNIT_SUBTEST_INDENT "    "
#define KUNIT_SUBSUBTEST_INDENT "        "

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

enum kunit_speed {
	KUNIT_SPEED_UNSET,
	KUNIT_SPEED_VERY_SLOW,
	KUNIT_SPEED_SLOW,
	KUNIT_SPEED_NORMAL,
	KUNIT_SPEED_MAX = KUNIT_SPEED_NORMAL,
};

struct kunit_attributes {
	enum kunit_speed speed;
};

/**
 * struct kunit_case - One test case
 * @run_case: The test function.
 * @name: Its name.
 * @generate_params: For a parameterised case, returns the parameter after
 *	@prev (the first one for NULL), NULL when done, and may write a
 *	description of it into @desc.
 * @attr: Attributes.
 * @status: Private, the result.
 */
struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	struct kunit_attributes attr;
	enum kunit_status status;
};

#define KUNIT_CASE(test_name) { .run_case = test_name, .name = #test_name }
#define KUNIT_CASE_ATTR(test_name, attributes) \
	{ .run_case = test_name, .name = #test_name, .attr = attributes }
#define KUNIT_CASE_SLOW(test_name)                      \
	{ .run_case = test_name, .name = #test_name,    \
	  .attr.speed = KUNIT_SPEED_SLOW }
#define KUNIT_CASE_PARAM(test_name, gen_params)                   \
	{ .run_case = test_name, .name = #test_name,              \
	  .generate_params = gen_params }
#define KUNIT_CASE_PARAM_ATTR(test_name, gen_params, attributes)  \
	{ .run_case = test_name, .name = #test_name,              \
	  .generate_params = gen_params, .attr = attributes }

/**
 * struct kunit_suite - A set of test cases
 * @name: Name of the suite.
 * @suite_init: Called once before the cases.
 * @suite_exit: Called once after the cases.
 * @init: Called before each case (each parameter of a parameterised case).
 * @exit: Called after each case, also when it failed.
 * @test_cases: Array of cases ending with an empty one.
 * @attr: Attributes.
 * @suite_init_err: Private, what @suite_init returned.
 */
struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
	struct kunit_attributes attr;
	int suite_init_err;
};

struct kunit_user_run;

/**
 * struct kunit - The state of the running test case
 * @priv: For the test's own use, e.g. set by the suite's init.
 * @name: Name of the case.
 * @param_value: The current parameter of a parameterised case.
 * @param_index: Its index.
 * @status: Private, the result so far.
 * @status_comment: Private, why the test was skipped.
 * @resources: Private, what is released at the end of the case.
 * @run: Private, runner state.
 */
struct kunit {
	void *priv;
	const char *name;
	const void *param_value;
	int param_index;
	enum kunit_status status;
	char status_comment[KUNIT_STATUS_COMMENT_SIZE];
	struct list_head resources;
	struct kunit_user_run *run;
};

void __kunit_register_suites(struct kunit_suite *const *suites,
			     unsigned int num_suites);

#define __kunit_test_suites(unique_array, ...)                            \
	static struct kunit_suite *const unique_array[] = { __VA_ARGS__ }; \
	static void __attribute__((__constructor__))                      \
	__USER_PASTE(unique_array, _register)(void)                       \
	{                                                                 \
		__kunit_register_suites(unique_array,                     \
					ARRAY_SIZE(unique_array));        \
	}
#define kunit_test_suites(...) \
	__kunit_test_suites(__UNIQUE_ID(kunit_suites), __VA_ARGS__)
#define kunit_test_suite(suite) kunit_test_suites(&(suite))
#define kunit_test_init_section_suites(...) kunit_test_suites(__VA_ARGS__)
#define kunit_test_init_section_suite(suite) kunit_test_suite(suite)

#define kunit_suite_for_each_test_case(suite, test_case) \
	for (test_case = (suite)->test_cases; test_case->run_case; test_case++)

bool kunit_enabled(void);

static inline void kunit_set_failure(struct kunit *test)
{
	WRITE_ONCE(test->status, KUNIT_FAILURE);
}

/* Resources: actions run at the end of the case, last added first */
typedef void(kunit_action_t)(void *);

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx);
int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx);
void kunit_remove_action(struct kunit *test, kunit_action_t *action,
			 void *ctx);
void kunit_release_action(struct kunit *test, kunit_action_t *action,
			  void *ctx);

#define KUNIT_DEFINE_ACTION_WRAPPER(wrapper, orig, arg_type) \
	static void wrapper(void *in)                        \
	{                                                    \
		arg_type arg = (arg_type)in;                 \
		orig(arg);                                   \
	}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
			  gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);

static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

static inline char *kunit_kstrdup(struct kunit *test, const char *str,
				  gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!str)
		return NULL;
	len = strlen(str) + 1;
	buf = kunit_kmalloc(test, len, gfp);
	if (buf)
		memcpy(buf, str, len);
	return buf;
}

/* Logging: one line, indented like the kernel's, a newline is added */
void __printf(1, 2) __kunit_log(const char *fmt, ...);

#define kunit_log(lvl, test, fmt, ...) \
	do {                           \
		(void)(test);          \
		__kunit_log(fmt, ##__VA_ARGS__); \
	} while (0)
#define kunit_printk(lvl, test, fmt, ...)                                 \
	kunit_log(lvl, test, KUNIT_SUBTEST_INDENT "# %s: " fmt, (test)->name, \
		  ##__VA_ARGS__)
#define kunit_info(test, fmt, ...) \
	kunit_printk(KERN_INFO, test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...) \
	kunit_printk(KERN_WARNING, test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) \
	kunit_printk(KERN_ERR, test, fmt, ##__VA_ARGS__)

void __printf(2, 3) __kunit_mark_skipped(struct kunit *test, const char *fmt,
					 ...);
void __noreturn __kunit_abort(struct kunit *test);

#define kunit_mark_skipped(test, fmt, ...) \
	__kunit_mark_skipped(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...)                            \
	do {                                                  \
		kunit_mark_skipped(test, fmt, ##__VA_ARGS__); \
		__kunit_abort(test);                          \
	} while (0)

/* Assertions */

enum kunit_assert_type {
	KUNIT_ASSERTION,
	KUNIT_EXPECTATION,
};

enum kunit_user_assert_kind {
	KUNIT_USER_FAIL,
	KUNIT_USER_UNARY,
	KUNIT_USER_INT,
	KUNIT_USER_PTR,
	KUNIT_USER_STR,
	KUNIT_USER_MEM,
	KUNIT_USER_ERR_OR_NULL,
};

/* What failed, for the report; the unused members are left zero */
struct kunit_user_assert {
	enum kunit_user_assert_kind kind;
	const char *file;
	int line;
	const char *left_text;
	const char *op_text;
	const char *right_text;
	long long left_int, right_int;
	const void *left_ptr, *right_ptr;
	size_t size;
	bool expect_true;
};

void __printf(4, 5) __kunit_do_failed_assertion(struct kunit *test,
						enum kunit_assert_type type,
						const struct kunit_user_assert *a,
						const char *fmt, ...);

#define __KUNIT_FAILED(test, type, fmt, ...)                              \
	do {                                                              \
		__kunit_do_failed_assertion(test, type, &__kunit_a, fmt,  \
					    ##__VA_ARGS__);                \
		if ((type) == KUNIT_ASSERTION)                            \
			__kunit_abort(test);                              \
	} while (0)

#define KUNIT_SUCCEED(test) do { } while (0)

#define KUNIT_FAIL_ASSERTION(test, type, fmt, ...)                       \
	do {                                                             \
		const struct kunit_user_assert __kunit_a = {             \
			.kind = KUNIT_USER_FAIL,                         \
			.file = __FILE__,                                \
			.line = __LINE__,                                \
		};                                                       \
		__KUNIT_FAILED(test, type, fmt, ##__VA_ARGS__);          \
	} while (0)

#define KUNIT_FAIL(test, fmt, ...) \
	KUNIT_FAIL_ASSERTION(test, KUNIT_EXPECTATION, fmt, ##__VA_ARGS__)
#define KUNIT_FAIL_AND_ABORT(test, fmt, ...) \
	KUNIT_FAIL_ASSERTION(test, KUNIT_ASSERTION, fmt, ##__VA_ARGS__)

#define KUNIT_UNARY_ASSERTION(test, type, condition, expected_true, fmt, ...) \
	do {                                                                  \
		if (likely(!!(condition) == !!(expected_true)))               \
			break;                                                \
		{                                                             \
			const struct kunit_user_assert __kunit_a = {          \
				.kind = KUNIT_USER_UNARY,                     \
				.file = __FILE__,                             \
				.line = __LINE__,                             \
				.left_text = #condition,                      \
				.expect_true = expected_true,                 \
			};                                                    \
			__KUNIT_FAILED(test, type, fmt, ##__VA_ARGS__);       \
		}                                                             \
	} while (0)

#define KUNIT_TRUE_MSG_ASSERTION(test, type, condition, fmt, ...) \
	KUNIT_UNARY_ASSERTION(test, type, condition, true, fmt, ##__VA_ARGS__)
#define KUNIT_FALSE_MSG_ASSERTION(test, type, condition, fmt, ...) \
	KUNIT_UNARY_ASSERTION(test, type, condition, false, fmt, ##__VA_ARGS__)

#define KUNIT_BINARY_INT_ASSERTION(test, type, left, op, right, fmt, ...) \
	do {                                                              \
		const typeof(left) __left = (left);                       \
		const typeof(right) __right = (right);                    \
		if (likely(__left op __right))                            \
			break;                                            \
		{                                                         \
			const struct kunit_user_assert __kunit_a = {      \
				.kind = KUNIT_USER_INT,                   \
				.file = __FILE__,                         \
				.line = __LINE__,                         \
				.left_text = #left,                       \
				.op_text = #op,                             \
				.right_text = #right,                     \
				.left_int = (long long)__left,            \
				.right_int = (long long)__right,          \
			};                                                \
			__KUNIT_FAILED(test, type, fmt, ##__VA_ARGS__);   \
		}                                                         \
	} while (0)

#define KUNIT_BINARY_PTR_ASSERTION(test, type, left, op, right, fmt, ...) \
	do {                                                              \
		const typeof(left) __left = (left);                       \
		const typeof(right) __right = (right);                    \
		if (likely(__left op __right))                            \
			break;                                            \
		{                                                         \
			const struct kunit_user_assert __kunit_a = {      \
				.kind = KUNIT_USER_PTR,                   \
				.file = __FILE__,                         \
				.line = __LINE__,                         \
				.left_text = #left,                       \
				.op_text = #op,                             \
				.right_text = #right,                     \
				.left_ptr = (const void *)__left,         \
				.right_ptr = (const void *)__right,       \
			};                                                \
			__KUNIT_FAILED(test, type, fmt, ##__VA_ARGS__);   \
		}                                                         \
	} while (0)

#define KUNIT_BINARY_STR_ASSERTION(test, type, left, op, right, fmt, ...) \
	do {                                                              \
		const char *__left = (left);                              \
		const char *__right = (right);                            \
		if (likely(strcmp(__left, __right) op 0))                 \
			break;                                            \
		{                                                         \
			const struct kunit_user_assert __kunit_a = {      \
				.kind = KUNIT_USER_STR,                   \
				.file = __FILE__,                         \
				.line = __LINE__,                         \
				.left_text = #left,                       \
				.op_text = #op,                             \
				.right_text = #right,                     \
				.left_ptr = __left,                       \
				.right_ptr = __right,                     \
			};                                                \
			__KUNIT_FAILED(test, type, fmt, ##__VA_ARGS__);   \
		}                                                         \
	} while (0)

#define KUNIT_MEM_ASSERTION(test, type, left, op, right, size_, fmt, ...)  \
	do {                                                               \
		const void *__left = (left);                               \
		const void *__right = (right);                             \
		const size_t __size = (size_);                             \
		if (likely(__left && __right &&                            \
			   memcmp(__left, __right, __size) op 0))          \
			break;                                             \
		{                                                          \
			const struct kunit_user_assert __kunit_a = {       \
				.kind = KUNIT_USER_MEM,                    \
				.file = __FILE__,                          \
				.line = __LINE__,                          \
				.left_text = #left,                        \
				.op_text = #op,                              \
				.right_text = #right,                      \
				.left_ptr = __left,                        \
				.right_ptr = __right,                      \
				.size = __size,                            \
			};                                                 \
			__KUNIT_FAILED(test, type, fmt, ##__VA_ARGS__);    \
		}                                                          \
	} while (0)

#define KUNIT_PTR_NOT_ERR_OR_NULL_MSG_ASSERTION(test, type, ptr, fmt, ...) \
	do {                                                               \
		const typeof(ptr) __ptr = (ptr);                           \
		if (!IS_ERR_OR_NULL(__ptr))                                \
			break;                                             \
		{                                                          \
			const struct kunit_user_assert __kunit_a = {       \
				.kind = KUNIT_USER_ERR_OR_NULL,            \
				.file = __FILE__,                          \
				.line = __LINE__,                          \
				.left_text = #ptr,                         \
				.left_ptr = (const void *)__ptr,           \
			};                                                 \
			__KUNIT_FAILED(test, type, fmt, ##__VA_ARGS__);    \
		}                                                          \
	} while (0)

/* The macros tests use */
#define KUNIT_EXPECT_TRUE(test, condition) \
	KUNIT_EXPECT_TRUE_MSG(test, condition, NULL)
#define KUNIT_EXPECT_TRUE_MSG(test, condition, fmt, ...) \
	KUNIT_TRUE_MSG_ASSERTION(test, KUNIT_EXPECTATION, condition, fmt, \
				 ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE(test, condition) \
	KUNIT_EXPECT_FALSE_MSG(test, condition, NULL)
#define KUNIT_EXPECT_FALSE_MSG(test, condition, fmt, ...) \
	KUNIT_FALSE_MSG_ASSERTION(test, KUNIT_EXPECTATION, condition, fmt, \
				  ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ(test, left, right) \
	KUNIT_EXPECT_EQ_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_EQ_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, left, ==, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE(test, left, right) \
	KUNIT_EXPECT_NE_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_NE_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, left, !=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT(test, left, right) \
	KUNIT_EXPECT_LT_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_LT_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, left, <, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE(test, left, right) \
	KUNIT_EXPECT_LE_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_LE_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, left, <=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT(test, left, right) \
	KUNIT_EXPECT_GT_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_GT_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, left, >, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE(test, left, right) \
	KUNIT_EXPECT_GE_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_GE_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, left, >=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ(test, left, right) \
	KUNIT_EXPECT_PTR_EQ_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_PTR_EQ_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_EXPECTATION, left, ==, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE(test, left, right) \
	KUNIT_EXPECT_PTR_NE_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_PTR_NE_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_EXPECTATION, left, !=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NULL(test, ptr) KUNIT_EXPECT_NULL_MSG(test, ptr, NULL)
#define KUNIT_EXPECT_NULL_MSG(test, ptr, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_EXPECTATION, ptr, ==, NULL, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL(test, ptr) \
	KUNIT_EXPECT_NOT_NULL_MSG(test, ptr, NULL)
#define KUNIT_EXPECT_NOT_NULL_MSG(test, ptr, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_EXPECTATION, ptr, !=, NULL, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ptr) \
	KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, ptr, NULL)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, ptr, fmt, ...)           \
	KUNIT_PTR_NOT_ERR_OR_NULL_MSG_ASSERTION(test, KUNIT_EXPECTATION, ptr, \
						fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STREQ(test, left, right) \
	KUNIT_EXPECT_STREQ_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_STREQ_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_STR_ASSERTION(test, KUNIT_EXPECTATION, left, ==, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ(test, left, right) \
	KUNIT_EXPECT_STRNEQ_MSG(test, left, right, NULL)
#define KUNIT_EXPECT_STRNEQ_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_STR_ASSERTION(test, KUNIT_EXPECTATION, left, !=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_MEMEQ(test, left, right, size) \
	KUNIT_EXPECT_MEMEQ_MSG(test, left, right, size, NULL)
#define KUNIT_EXPECT_MEMEQ_MSG(test, left, right, size, fmt, ...) \
	KUNIT_MEM_ASSERTION(test, KUNIT_EXPECTATION, left, ==, right, size, \
			    fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_MEMNEQ(test, left, right, size) \
	KUNIT_EXPECT_MEMNEQ_MSG(test, left, right, size, NULL)
#define KUNIT_EXPECT_MEMNEQ_MSG(test, left, right, size, fmt, ...) \
	KUNIT_MEM_ASSERTION(test, KUNIT_EXPECTATION, left, !=, right, size, \
			    fmt, ##__VA_ARGS__)

#define KUNIT_ASSERT_TRUE(test, condition) \
	KUNIT_ASSERT_TRUE_MSG(test, condition, NULL)
#define KUNIT_ASSERT_TRUE_MSG(test, condition, fmt, ...) \
	KUNIT_TRUE_MSG_ASSERTION(test, KUNIT_ASSERTION, condition, fmt, \
				 ##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE(test, condition) \
	KUNIT_ASSERT_FALSE_MSG(test, condition, NULL)
#define KUNIT_ASSERT_FALSE_MSG(test, condition, fmt, ...) \
	KUNIT_FALSE_MSG_ASSERTION(test, KUNIT_ASSERTION, condition, fmt, \
				  ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ(test, left, right) \
	KUNIT_ASSERT_EQ_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_EQ_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, left, ==, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NE(test, left, right) \
	KUNIT_ASSERT_NE_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_NE_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, left, !=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LT(test, left, right) \
	KUNIT_ASSERT_LT_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_LT_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, left, <, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LE(test, left, right) \
	KUNIT_ASSERT_LE_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_LE_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, left, <=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GT(test, left, right) \
	KUNIT_ASSERT_GT_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_GT_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, left, >, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GE(test, left, right) \
	KUNIT_ASSERT_GE_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_GE_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, left, >=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ(test, left, right) \
	KUNIT_ASSERT_PTR_EQ_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_PTR_EQ_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_ASSERTION, left, ==, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE(test, left, right) \
	KUNIT_ASSERT_PTR_NE_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_PTR_NE_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_ASSERTION, left, !=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NULL(test, ptr) KUNIT_ASSERT_NULL_MSG(test, ptr, NULL)
#define KUNIT_ASSERT_NULL_MSG(test, ptr, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_ASSERTION, ptr, ==, NULL, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL(test, ptr) \
	KUNIT_ASSERT_NOT_NULL_MSG(test, ptr, NULL)
#define KUNIT_ASSERT_NOT_NULL_MSG(test, ptr, fmt, ...) \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_ASSERTION, ptr, !=, NULL, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ptr) \
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, ptr, NULL)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, ptr, fmt, ...)         \
	KUNIT_PTR_NOT_ERR_OR_NULL_MSG_ASSERTION(test, KUNIT_ASSERTION, ptr, \
						fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STREQ(test, left, right) \
	KUNIT_ASSERT_STREQ_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_STREQ_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_STR_ASSERTION(test, KUNIT_ASSERTION, left, ==, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ(test, left, right) \
	KUNIT_ASSERT_STRNEQ_MSG(test, left, right, NULL)
#define KUNIT_ASSERT_STRNEQ_MSG(test, left, right, fmt, ...) \
	KUNIT_BINARY_STR_ASSERTION(test, KUNIT_ASSERTION, left, !=, right, \
				   fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_MEMEQ(test, left, right, size) \
	KUNIT_ASSERT_MEMEQ_MSG(test, left, right, size, NULL)
#define KUNIT_ASSERT_MEMEQ_MSG(test, left, right, size, fmt, ...) \
	KUNIT_MEM_ASSERTION(test, KUNIT_ASSERTION, left, ==, right, size, \
			    fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_MEMNEQ(test, left, right, size) \
	KUNIT_ASSERT_MEMNEQ_MSG(test, left, right, size, NULL)
#define KUNIT_ASSERT_MEMNEQ_MSG(test, left, right, size, fmt, ...) \
	KUNIT_MEM_ASSERTION(test, KUNIT_ASSERTION, left, !=, right, size, \
			    fmt, ##__VA_ARGS__)

/* Parameter generators over an array */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)                             \
	static const void *name##_gen_params(const void *prev, char *desc)   \
	{                                                                    \
		typeof((array)[0]) *__next =                                 \
			prev ? ((typeof(__next))prev) + 1 : (array);         \
		void (*__get_desc)(typeof(__next), char *) = get_desc;       \
									     \
		if (__next - (array) >= (long)ARRAY_SIZE(array))             \
			return NULL;                                         \
		if (__get_desc)                                              \
			__get_desc(__next, desc);                            \
		return __next;                                               \
	}
#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)                     \
	static const void *name##_gen_params(const void *prev, char *desc)   \
	{                                                                    \
		typeof((array)[0]) *__next =                                 \
			prev ? ((typeof(__next))prev) + 1 : (array);         \
									     \
		if (__next - (array) >= (long)ARRAY_SIZE(array))             \
			return NULL;                                         \
		strscpy(desc, __next->desc_member, KUNIT_PARAM_DESC_SIZE);   \
		return __next;                                               \
	}

#include <kunit/test-bug.h>

#endif

import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/field';
import { useToast } from '../../../components/ui/toast';
import { ROLE_LABELS } from '../../../lib/roles';
import { useRegister } from '../api';
import {
  checkEmail,
  checkNewPassword,
  checkRequired,
  firstInvalid,
  PASSWORD_MIN_LENGTH,
} from '../validation';
import { FormError, serverFieldError } from './form-error';

type Field = 'name' | 'email' | 'password' | 'organizationName';

interface RegisterFormProps {
  /** Joining through an invitation: the organization already exists, so its name is not asked. */
  inviteToken?: string | undefined;
  submitLabel: string;
}

export function RegisterForm({ inviteToken, submitLabel }: RegisterFormProps) {
  const navigate = useNavigate();
  const notify = useToast();
  // Registering with an invitation already joined the organization: nothing left to accept.
  const register = useRegister(
    inviteToken
      ? (session) => {
          const role = ROLE_LABELS[session.role].toLowerCase();
          notify(`Welcome to ${session.organization.name}. You joined as ${role}.`);
          void navigate('/', { replace: true });
        }
      : undefined,
  );
  const fields: readonly Field[] = inviteToken
    ? ['name', 'email', 'password']
    : ['name', 'email', 'password', 'organizationName'];
  const [values, setValues] = useState<Record<Field, string>>({
    name: '',
    email: '',
    password: '',
    organizationName: '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});

  const change = (field: Field, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {
      name: checkRequired(values.name, 'Enter your name.'),
      email: checkEmail(values.email),
      password: checkNewPassword(values.password),
      organizationName: inviteToken
        ? undefined
        : checkRequired(values.organizationName, 'Name your organization, e.g. your company.'),
    };
    setErrors(found);
    if (firstInvalid(event.currentTarget, found, fields)) return;
    register.mutate({
      name: values.name.trim(),
      email: values.email.trim(),
      password: values.password,
      ...(inviteToken ? { inviteToken } : { organizationName: values.organizationName.trim() }),
    });
  };

  const errorFor = (field: Field) => errors[field] ?? serverFieldError(register.error, field);

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      <FormError error={register.error} fields={fields} />
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        autoFocus
        value={values.name}
        onChange={(event) => change('name', event.target.value)}
        error={errorFor('name')}
      />
      <TextField
        label="Work email"
        name="email"
        type="email"
        autoComplete="email"
        value={values.email}
        onChange={(event) => change('email', event.target.value)}
        error={errorFor('email')}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        value={values.password}
        onChange={(event) => change('password', event.target.value)}
        error={errorFor('password')}
      />
      {!inviteToken && (
        <TextField
          label="Organization name"
          name="organizationName"
          autoComplete="organization"
          hint="Your company or brand. You can invite teammates next."
          value={values.organizationName}
          onChange={(event) => change('organizationName', event.target.value)}
          error={errorFor('organizationName')}
        />
      )}
      <Button type="submit" size="lg" className="w-full" isLoading={register.isPending}>
        {submitLabel}
      </Button>
    </form>
  );
}

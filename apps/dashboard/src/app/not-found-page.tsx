import { Compass } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../components/ui/button';
import { Card } from '../components/ui/card';
import { EmptyState } from '../components/ui/empty-state';

export function NotFoundPage() {
  return (
    <Card>
      <EmptyState
        icon={Compass}
        title="This page doesn’t exist"
        description="The link may be old or mistyped. Use the navigation on the left, or start from the overview."
        action={
          <Button asChild>
            <Link to="/">Go to overview</Link>
          </Button>
        }
      />
    </Card>
  );
}
